package io.lifeline.ipvs.kernel;

/** Read and change the kernel's IPVS table. One implementation drives ipvsadm. */
public interface IpvsKernel {

    /** The whole table as the kernel holds it now. */
    IpvsTable read() throws IpvsException;

    /** Applies one change. */
    void apply(IpvsCommand command) throws IpvsException;
}
