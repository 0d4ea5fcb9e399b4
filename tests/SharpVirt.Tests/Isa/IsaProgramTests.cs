using System.Diagnostics;
using System.Text;
using SharpVirt.Machine.BareMetal;
using SharpVirt.Machine.Vstate;
using Xunit.Abstractions;

namespace SharpVirt.Tests.Isa;

/// <summary>
/// Runs every ISA test program built from tests/programs (our own rv64
/// ui/um/ua/uf/ud/uc/uzba/uzbb/uzbs/mi/si programs, in the p and v
/// environments) on the bare-metal machine. A program passes by writing 1 to
/// its HTIF tohost; a failing check writes (n &lt;&lt; 1) | 1 for test case n.
/// </summary>
public sealed class IsaProgramTests : IClassFixture<IsaProgramBuild>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly IsaProgramBuild _build;
    private readonly ITestOutputHelper _output;

    public IsaProgramTests(IsaProgramBuild build, ITestOutputHelper output)
    {
        _build = build;
        _output = output;
    }

    public static IEnumerable<object[]> Programs()
    {
        var outcome = IsaProgramBuild.EnsureBuilt();
        var names = outcome.Success ? IsaProgramBuild.ListPrograms(outcome.BuildDirectory) : [];
        if (names.Count == 0)
        {
            // Keep one case so the run reports the build problem (through the
            // fixture) instead of silently having no tests.
            yield return [IsaProgramBuild.NoProgramsPlaceholder, CpuEngine.Jit];
            yield break;
        }

        foreach (var name in names)
        {
            yield return [name, CpuEngine.Interp];
            yield return [name, CpuEngine.Jit];
        }
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Program_passes(string program, CpuEngine engine)
    {
        Assert.NotEqual(IsaProgramBuild.NoProgramsPlaceholder, program);
        var elf = Path.Combine(_build.BuildDirectory, program + ".elf");
        Assert.True(File.Exists(elf), $"{elf} was not built");

        var console = new StringWriter();
        int exitCode = BareMetalRunner.Run(elf, Timeout, console, engine: engine, jitThreshold: 1);
        var text = console.ToString();
        if (text.Length > 0)
        {
            _output.WriteLine(text);
        }

        var why = exitCode switch
        {
            0 => "passed",
            124 => $"timed out after {Timeout.TotalSeconds} s",
            _ => $"exit code {exitCode}",
        };
        Assert.True(exitCode == 0, $"{program}: {why}. Console output:{Environment.NewLine}{text}");
    }
}

/// <summary>
/// Builds the programs once per test run with `make -C tests/programs -j2`.
/// The RISC-V toolchain (gcc-riscv64-unknown-elf) is part of the CI image, so
/// a missing toolchain or a failed build fails the tests with the reason.
/// </summary>
public sealed class IsaProgramBuild
{
    internal const string NoProgramsPlaceholder = "(no ISA programs were built)";

    private const string Compiler = "riscv64-unknown-elf-gcc";
    private static readonly Lazy<BuildOutcome> Outcome = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public IsaProgramBuild()
    {
        var outcome = Outcome.Value;
        if (!outcome.Success)
        {
            throw new InvalidOperationException(outcome.Message);
        }

        BuildDirectory = outcome.BuildDirectory;
    }

    public string BuildDirectory { get; }

    internal static BuildOutcome EnsureBuilt() => Outcome.Value;

    internal static List<string> ListPrograms(string buildDirectory) =>
        Directory.Exists(buildDirectory)
            ? Directory.EnumerateFiles(buildDirectory, "*.elf")
                .Select(p => Path.GetFileNameWithoutExtension(p))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    private static BuildOutcome Build()
    {
        string? root = FindRepoRoot();
        if (root is null)
        {
            return BuildOutcome.Failed(
                $"Could not find SharpVirt.sln in any folder above {AppContext.BaseDirectory}.");
        }

        var programs = Path.Combine(root, "tests", "programs");
        var buildDir = Path.Combine(programs, "build");

        var probe = RunProcess(Compiler, ["--version"], root, TimeSpan.FromMinutes(1));
        if (probe.ExitCode != 0)
        {
            return BuildOutcome.Failed(
                $"The RISC-V toolchain is missing: '{Compiler} --version' failed ({probe.Output.Trim()}). " +
                "Install it with 'apt-get install gcc-riscv64-unknown-elf' (CI installs it).");
        }

        var make = RunProcess("make", ["-C", programs, "-j2"], root, TimeSpan.FromMinutes(10));
        if (make.ExitCode != 0)
        {
            return BuildOutcome.Failed(
                $"'make -C tests/programs -j2' failed with exit code {make.ExitCode}:{Environment.NewLine}{make.Output}");
        }

        if (ListPrograms(buildDir).Count == 0)
        {
            return BuildOutcome.Failed($"'make -C tests/programs -j2' produced no programs in {buildDir}.");
        }

        return new BuildOutcome(true, buildDir, "built");
    }

    private static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SharpVirt.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static (int ExitCode, string Output) RunProcess(
        string file, IReadOnlyList<string> args, string workingDirectory, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var output = new StringBuilder();
        try
        {
            using var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"{file} did not finish within {timeout}.{Environment.NewLine}{output}");
            }

            process.WaitForExit();
            lock (output)
            {
                return (process.ExitCode, output.ToString());
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"could not start {file}: {e.Message}");
        }
    }

    internal sealed record BuildOutcome(bool Success, string BuildDirectory, string Message)
    {
        public static BuildOutcome Failed(string message) => new(false, "", message);
    }
}
