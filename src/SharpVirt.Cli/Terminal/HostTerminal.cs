using System.Runtime.InteropServices;
using SharpVirt.Machine.Vstate;

namespace SharpVirt.Cli.Terminal;

/// <summary>
/// Connects the host's stdin to the guest console. On a terminal it switches to raw mode (restored on
/// exit, even on a crash) and takes QEMU's escapes: Ctrl-A X quits, Ctrl-A Ctrl-A sends Ctrl-A.
/// From a pipe it forwards bytes as they come, so a script can drive the guest's shell.
/// </summary>
public sealed partial class HostTerminal : IDisposable
{
    private const byte CtrlA = 0x01;
    private static byte[]? savedTermios;
    private static readonly object Gate = new();

    private readonly Vm vm;
    private readonly bool raw;

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, byte[] termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static partial int TcSetAttr(int fd, int action, byte[] termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    private static partial void CfMakeRaw(byte[] termios);

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATty(int fd);

    private HostTerminal(Vm vm, bool raw)
    {
        this.vm = vm;
        this.raw = raw;
    }

    public static HostTerminal Attach(Vm vm)
    {
        bool tty = OperatingSystem.IsLinux() && IsATty(0) == 1;
        if (tty)
            EnterRawMode();
        var terminal = new HostTerminal(vm, tty);
        var pump = new Thread(terminal.Pump) { Name = "console-in", IsBackground = true };
        pump.Start();
        return terminal;
    }

    private static void EnterRawMode()
    {
        var termios = new byte[256];
        if (TcGetAttr(0, termios) != 0)
            return;
        lock (Gate)
            savedTermios = (byte[])termios.Clone();
        CfMakeRaw(termios);
        TcSetAttr(0, 0, termios);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Restore();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => Restore();
    }

    /// <summary>Puts the terminal back as it was; safe to call more than once.</summary>
    public static void Restore()
    {
        lock (Gate)
        {
            if (savedTermios is null)
                return;
            TcSetAttr(0, 0, savedTermios);
            savedTermios = null;
        }
    }

    private void Pump()
    {
        using var stdin = System.Console.OpenStandardInput();
        var buffer = new byte[256];
        bool escape = false;
        while (!vm.Exiting)
        {
            int n;
            try
            {
                n = stdin.Read(buffer, 0, buffer.Length);
            }
            catch (IOException)
            {
                return;
            }
            if (n <= 0)
                return; // end of input: the guest keeps running
            if (!raw)
            {
                vm.SendInput(buffer.AsSpan(0, n));
                continue;
            }
            for (int i = 0; i < n; i++)
            {
                byte b = buffer[i];
                if (escape)
                {
                    escape = false;
                    if (b is (byte)'x' or (byte)'X')
                    {
                        vm.RequestExit(new VmExit(VmExitKind.PowerOff, 0, "terminated by Ctrl-A X"));
                        return;
                    }
                    if (b == CtrlA)
                        vm.SendInput([CtrlA]);
                    continue;
                }
                if (b == CtrlA)
                    escape = true;
                else
                    vm.SendInput([b]);
            }
        }
    }

    public void Dispose()
    {
        if (raw)
            Restore();
    }
}
