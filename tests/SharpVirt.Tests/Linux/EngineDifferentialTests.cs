using System.Globalization;
using Xunit.Abstractions;

namespace SharpVirt.Tests.Linux;

/// <summary>
/// Differential testing of the engines on a whole Linux boot: the interpreter alone and the interpreter with
/// the block translator boot the same guest, and the same commands (integer, floating-point, compression,
/// hashing and the kernel's own view of the hart) print the same output.
/// </summary>
[Collection("Linux boots")]
public sealed class EngineDifferentialTests(ITestOutputHelper log)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private static readonly string[] Commands =
    [
        "uname -a",
        "cat /proc/cpuinfo",
        "ls /bin | md5sum",
        "sha256sum /bin/busybox",
        "dd if=/bin/busybox bs=64k count=8 2>/dev/null | gzip -9 | md5sum",
        "i=0; s=0; while [ $i -lt 3000 ]; do s=$(( (s * 31 + i * i) % 1000003 )); i=$((i+1)); done; echo $s",
        // busybox awk computes in doubles (its libm functions are compiled out): F and D arithmetic and conversions.
        "awk 'BEGIN { s = 0; p = 1; for (i = 1; i <= 20000; i++) { s += 1 / i; p = p * 1.0001 - s / 1e6 } printf \"%.15f %.10e\\n\", s, p }'",
        "awk 'BEGIN { printf \"%d %.17g %.17g %d\\n\", 9007199254740993, 1/3, -0.1 * 3, int(-7.9) }'",
        "seq 1 5000 | sort -r | head -c 200 | md5sum",
        "echo 'the quick brown fox' | sed 's/quick/slow/; s/o/0/g' | tr a-z A-Z",
    ];

    [Fact]
    public void InterpreterAndTranslatorPrintTheSame()
    {
        var outputs = new Dictionary<string, string[]>();
        foreach (string engine in new[] { "interp", "jit" })
        {
            var started = DateTime.UtcNow;
            using var s = GuestSession.Start("--timeout", "600", "--cpus", "1", "--engine", engine);
            s.WaitFor("SharpVirt guest ready", LinuxBootTests.BootTimeout);
            s.WaitFor(GuestSession.Prompt, CommandTimeout);
            log.WriteLine($"{engine}: shell after {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
            s.Run("dmesg -n 1", CommandTimeout); // kernel messages (a slow host's hrtimer warnings) stay off the console
            outputs[engine] = [.. Commands.Select(c => s.Run(c, CommandTimeout).Trim())];
            s.Send("poweroff");
            s.AssertExitsCleanly(CommandTimeout);
        }
        for (int i = 0; i < Commands.Length; i++)
        {
            log.WriteLine($"$ {Commands[i]}\n{outputs["jit"][i]}");
            Assert.False(string.IsNullOrWhiteSpace(outputs["jit"][i]), $"no output from: {Commands[i]}");
            Assert.DoesNotContain("not found", outputs["jit"][i]);
            Assert.DoesNotContain("awk:", outputs["jit"][i]);
            Assert.Equal(outputs["interp"][i], outputs["jit"][i]);
        }
        // And the floating-point answers are the IEEE ones (worked out on the host in the same order).
        double sum = 0, product = 1;
        for (int i = 1; i <= 20000; i++)
        {
            sum += 1.0 / i;
            product = product * 1.0001 - sum / 1e6;
        }
        Assert.EndsWith($"{sum.ToString("F15", CultureInfo.InvariantCulture)} {product.ToString("0.0000000000e+00", CultureInfo.InvariantCulture)}", outputs["jit"][6]);
        // busybox awk's %d converts to a C int: RISC-V's FCVT.W.D saturates an out-of-range value to 2^31-1.
        Assert.EndsWith("2147483647 0.33333333333333331 -0.30000000000000004 -7", outputs["jit"][7]);
    }
}
