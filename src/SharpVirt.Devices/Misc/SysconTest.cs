using SharpVirt.Devices.Bus;

namespace SharpVirt.Devices.Misc;

/// <summary>
/// The SiFive test finisher (<c>compatible = "sifive,test1", "sifive,test0", "syscon"</c>)
/// used by Linux's syscon-poweroff / syscon-reboot drivers and OpenSBI on QEMU's
/// <c>virt</c> board. A write to offset 0 whose low 16 bits are 0x5555 powers
/// off, 0x3333 powers off with failure code (value &gt;&gt; 16), 0x7777 resets.
/// </summary>
public sealed class SysconTest : IMmioDevice
{
    /// <summary>Base address on QEMU's virt board.</summary>
    public const ulong DefaultBase = 0x10_0000;

    /// <summary>Size of the register window.</summary>
    public const ulong Size = 0x1000;

    /// <summary>Status value: fail, with the exit code in bits 31:16.</summary>
    public const uint FinisherFail = 0x3333;

    /// <summary>Status value: pass (power off).</summary>
    public const uint FinisherPass = 0x5555;

    /// <summary>Status value: reset.</summary>
    public const uint FinisherReset = 0x7777;

    private readonly Action<SystemEvent, int> _onEvent;

    /// <summary>Creates the device; <paramref name="onEvent"/> gets (kind, exit code).</summary>
    public SysconTest(Action<SystemEvent, int> onEvent)
    {
        ArgumentNullException.ThrowIfNull(onEvent);
        _onEvent = onEvent;
    }

    /// <inheritdoc />
    public ulong Read(ulong offset, int size) => 0;

    /// <inheritdoc />
    public void Write(ulong offset, int size, ulong value)
    {
        // Linux's regmap and OpenSBI write 32 bits; QEMU also accepts 16.
        if (offset != 0 || size is not (2 or 4))
        {
            return;
        }
        uint status = (uint)value & 0xFFFF;
        int code = size == 4 ? (int)(((uint)value >> 16) & 0xFFFF) : 0;
        switch (status)
        {
            case FinisherPass:
                _onEvent(SystemEvent.PowerOff, 0);
                break;
            case FinisherFail:
                _onEvent(SystemEvent.Fail, code);
                break;
            case FinisherReset:
                _onEvent(SystemEvent.Reset, 0);
                break;
            default:
                break;
        }
    }
}
