using BenchmarkDotNet.Running;

namespace SharpVirt.Bench;

public static class Program
{
    /// <summary>
    /// `boot [--cpus 1,2,4] [--runs N]`: SharpVirt vs qemu-system-riscv64, time to the default guest's shell.
    /// `workloads [--runs N]`: sha256sum, gzip -9 and a shell loop inside the guest, SharpVirt vs QEMU.
    /// `mips [--seconds S]`: guest instructions per second on a fixed integer loop.
    /// `overcommit [--vms N] [--memory SIZE] [--cpus K] [--command CMD] [--timeout MINUTES]`: N VMs at once; host RSS, CPU time, time to all-ready.
    /// Anything else goes to BenchmarkDotNet (microbenchmarks).
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "boot")
            return BootComparison.Run(args[1..]);
        if (args.Length > 0 && args[0] == "workloads")
            return BootComparison.RunWorkloads(args[1..]);
        if (args.Length > 0 && args[0] == "mips")
            return Mips.Run(args[1..]);
        if (args.Length > 0 && args[0] == "overcommit")
            return Overcommit.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
