using System.Text;
using SharpVirt.Machine.Console;
using SharpVirt.Machine.Vstate;

namespace SharpVirt.Machine.BareMetal;

/// <summary>Runs a bare M-mode program (an ISA test, say) in process, as `sharpvirt run --bios none --kernel PROG` does.</summary>
public static class BareMetalRunner
{
    /// <summary>Returns the exit code: 0 on pass, non-zero on failure, 124 on timeout; console output goes to <paramref name="console"/>.</summary>
    public static int Run(string elfPath, TimeSpan timeout, TextWriter console, int cpus = 1, CpuEngine engine = CpuEngine.Jit, int jitThreshold = 1000)
    {
        var buffer = new MemoryStream();
        VmExit exit;
        using (var output = new ConsoleOutput(buffer))
        {
            var config = new VmConfig
            {
                Cpus = cpus,
                MemorySize = 128 * VmConfig.MiB,
                Kernel = elfPath,
                Bios = "none",
                Timeout = timeout,
                Engine = engine,
                JitThreshold = jitThreshold,
            };
            using var vm = new Vm(config, output);
            exit = vm.Run();
        }
        console.Write(Encoding.UTF8.GetString(buffer.ToArray()));
        if (exit.Message is not null)
            console.WriteLine(exit.Message);
        return exit.Code;
    }
}
