using BenchmarkDotNet.Running;

namespace SharpVirt.Bench;

public static class Program
{
    /// <summary>
    /// `boot [--cpus 1,2,4] [--runs N]`: SharpVirt vs qemu-system-riscv64, time to the default guest's shell.
    /// `workloads [--runs N]`: sha256sum, gzip -9 and a shell loop inside the guest, SharpVirt vs QEMU.
    /// `mips [--seconds S]`: guest instructions per second on a fixed integer loop.
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
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
