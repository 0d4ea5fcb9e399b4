using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Machine.Console;
using SharpVirt.Machine.Control;
using SharpVirt.Machine.Vstate;

namespace SharpVirt.Tests.Control;

/// <summary>
/// A bare-metal VM for the control API tests: two harts in M-mode that build an Sv39 mapping of
/// <see cref="MappedVa"/> to RAM, write satp, and count in a loop. Runs on a background thread, with a
/// control server on a private socket directory.
/// </summary>
public sealed class ControlTestVm : IDisposable
{
    public const ulong MappedVa = 0xffff_ffff_8000_0000;
    public const ulong Root = 0x8010_0000, L1 = 0x8010_1000, L0 = 0x8010_2000;
    public const ulong LeafPte = ((0x8000_0000UL >> 12) << Pte.PpnShift) | Pte.V | Pte.R | Pte.W | Pte.X | Pte.A | Pte.D;
    public const ulong SatpValue = (Satp.Sv39 << Satp.ModeShift) | (Root >> 12);

    private readonly Thread runner;
    private readonly string programPath;
    private VmExit? result;

    public ControlTestVm(string name, bool balloon = true, string? directory = null)
    {
        Directory = directory ?? System.IO.Directory.CreateTempSubdirectory("svc-").FullName;
        OwnsDirectory = directory is null;
        programPath = Path.Combine(Directory, "loop.bin");
        File.WriteAllBytes(programPath, LoopProgram());
        Vm = new Vm(new VmConfig { Bios = "none", Kernel = programPath, MemorySize = 64 * VmConfig.MiB, Cpus = 2, Balloon = balloon }, new ConsoleOutput(Stream.Null));
        Server = ControlServer.Start(Vm, name, Path.Combine(Directory, "sock"));
        runner = new Thread(() => result = Vm.Run()) { IsBackground = true, Name = "test-vm" };
        runner.Start();
        WaitFor(() => Vm.Vcpus.All(v => v.HostThreadId != 0 && v.Hart.SatpValue == SatpValue), "the harts to set satp");
    }

    public string Directory { get; }
    public bool OwnsDirectory { get; }
    public Vm Vm { get; }
    public ControlServer Server { get; }
    public string SocketDirectory => Path.Combine(Directory, "sock");

    public string Request(string line) => ControlClient.SendRaw(Server.SocketPath, line);

    /// <summary>Waits for Run to return (after stop) and gives the exit.</summary>
    public VmExit WaitForExit(TimeSpan timeout)
    {
        Assert.True(runner.Join(timeout), "the VM did not exit");
        return result!.Value;
    }

    public static void WaitFor(Func<bool> condition, string what, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(5);
        }
    }

    /// <summary>Root[VPN2 of MappedVa] -> L1[0] -> L0[0] -> RAM base (4 KiB page), then satp, then count in t2 forever.</summary>
    private static byte[] LoopProgram()
    {
        var a = new Asm();
        void Store(ulong address, ulong value) => a.Li(5, address).Li(6, value).Sd(6, 5, 0);
        ulong vpn2 = (MappedVa >> 30) & 0x1ff;
        Store(Root + vpn2 * 8, ((L1 >> 12) << Pte.PpnShift) | Pte.V);
        Store(L1, ((L0 >> 12) << Pte.PpnShift) | Pte.V);
        Store(L0, LeafPte);
        a.Li(5, SatpValue).Csrw(CsrAddress.Satp, 5);
        a.Label("loop").Addi(7, 7, 1).J("loop");
        return a.Assemble();
    }

    public void Dispose()
    {
        Vm.RequestExit(new VmExit(VmExitKind.PowerOff, 0));
        foreach (var v in Vm.Vcpus)
            v.Resume();
        runner.Join(TimeSpan.FromSeconds(10));
        Server.Dispose();
        Vm.Dispose();
        if (OwnsDirectory)
            System.IO.Directory.Delete(Directory, recursive: true);
    }
}
