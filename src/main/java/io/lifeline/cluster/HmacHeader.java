package io.lifeline.cluster;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Supplier;
import org.jgroups.Global;
import org.jgroups.Header;

/**
 * The signature travelling with every packet: key index, per-sender sequence number, send time
 * and the signature bytes (length-prefixed: 4 for crc, 16 for md5 ... 64 for sha512).
 */
public final class HmacHeader extends Header {

    /** Header magic id; custom ids must be at least 1024 and the same on every node. */
    public static final short MAGIC = 1700;
    static final int MAX_SIGNATURE = 64;

    int keyId;
    long seq;
    long timestamp;
    byte[] signature;

    public HmacHeader() {
        // needed by ClassConfigurator, which instantiates headers reflectively
    }

    HmacHeader(int keyId, long seq, long timestamp, byte[] signature) {
        this.keyId = keyId;
        this.seq = seq;
        this.timestamp = timestamp;
        this.signature = signature;
    }

    @Override
    public short getMagicId() {
        return MAGIC;
    }

    @Override
    public Supplier<? extends Header> create() {
        return HmacHeader::new;
    }

    @Override
    public int serializedSize() {
        return Global.BYTE_SIZE + 2 * Global.LONG_SIZE + Global.BYTE_SIZE + signature.length;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(keyId);
        out.writeLong(seq);
        out.writeLong(timestamp);
        out.writeByte(signature.length);
        out.write(signature);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        keyId = in.readUnsignedByte();
        seq = in.readLong();
        timestamp = in.readLong();
        int len = in.readUnsignedByte();
        if (len > MAX_SIGNATURE) {
            throw new IOException("signature length " + len + " exceeds " + MAX_SIGNATURE);
        }
        signature = new byte[len];
        in.readFully(signature);
    }

    @Override
    public String toString() {
        return "key=" + keyId + " seq=" + seq + " ts=" + timestamp;
    }
}
