package io.lifeline.os;

import java.util.Map;

/** The Linux errno values this package meets, with the usual strerror texts. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;
    public static final int EPROTO = 71;
    public static final int EMSGSIZE = 90;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ENOBUFS = 105;
    public static final int ETIMEDOUT = 110;

    private static final Map<Integer, String> TEXT = Map.ofEntries(
            Map.entry(EPERM, "operation not permitted"),
            Map.entry(ENOENT, "no such file or directory"),
            Map.entry(EINTR, "interrupted system call"),
            Map.entry(ENXIO, "no such device or address"),
            Map.entry(EAGAIN, "resource temporarily unavailable"),
            Map.entry(EACCES, "permission denied"),
            Map.entry(EBUSY, "device or resource busy"),
            Map.entry(EEXIST, "file exists"),
            Map.entry(ENODEV, "no such device"),
            Map.entry(EINVAL, "invalid argument"),
            Map.entry(ERANGE, "numerical result out of range"),
            Map.entry(EPROTO, "protocol error"),
            Map.entry(EMSGSIZE, "message too long"),
            Map.entry(EOPNOTSUPP, "operation not supported"),
            Map.entry(EAFNOSUPPORT, "address family not supported by protocol"),
            Map.entry(EADDRNOTAVAIL, "cannot assign requested address"),
            Map.entry(ENETDOWN, "network is down"),
            Map.entry(ENETUNREACH, "network is unreachable"),
            Map.entry(ENOBUFS, "no buffer space available"),
            Map.entry(ETIMEDOUT, "connection timed out"));

    private Errno() {
    }

    /** {@code "operation not permitted (EPERM)"}-style text; unknown values as {@code "errno 123"}. */
    public static String describe(int errno) {
        String text = TEXT.get(errno);
        return text == null ? "errno " + errno : text + " (" + name(errno) + ")";
    }

    public static String name(int errno) {
        switch (errno) {
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case EINTR: return "EINTR";
            case ENXIO: return "ENXIO";
            case EAGAIN: return "EAGAIN";
            case EACCES: return "EACCES";
            case EBUSY: return "EBUSY";
            case EEXIST: return "EEXIST";
            case ENODEV: return "ENODEV";
            case EINVAL: return "EINVAL";
            case ERANGE: return "ERANGE";
            case EPROTO: return "EPROTO";
            case EMSGSIZE: return "EMSGSIZE";
            case EOPNOTSUPP: return "EOPNOTSUPP";
            case EAFNOSUPPORT: return "EAFNOSUPPORT";
            case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
            case ENETDOWN: return "ENETDOWN";
            case ENETUNREACH: return "ENETUNREACH";
            case ENOBUFS: return "ENOBUFS";
            case ETIMEDOUT: return "ETIMEDOUT";
            default: return "errno " + errno;
        }
    }
}
