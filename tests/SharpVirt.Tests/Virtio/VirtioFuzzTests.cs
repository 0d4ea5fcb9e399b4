using SharpVirt.Devices.Virtio;
using SharpVirt.Devices.Virtio.Balloon;
using SharpVirt.Devices.Virtio.Console;
using SharpVirt.Devices.Virtio.Entropy;
using SharpVirt.Memory;
using R = SharpVirt.Devices.Virtio.VirtioMmioRegisters;

namespace SharpVirt.Tests.Virtio;

/// <summary>
/// Random and hostile rings and descriptor chains fed through the transport to each device: nothing may throw
/// out of the transport or the device's I/O thread, nothing outside guest RAM may be touched (a host fault would
/// kill the test run), the device may only write the used ring and device-writable buffers, and a malformed
/// chain must end in DEVICE_NEEDS_RESET (checked exactly for virtio-rng against an independent model).
/// </summary>
public class VirtioFuzzTests
{
    private const ulong RamSize = 4 << 20;
    private const ulong RamEnd = VirtioTestDriver.RamBase + RamSize;
    private const ulong DataBase = RamEnd - (1 << 20); // the only place device-writable descriptors point to
    private const ulong TableBase = VirtioTestDriver.RamBase + 0x8000; // indirect tables, below the rings
    private const int Seeds = 120;

    public static TheoryData<string> Devices() => ["rng", "console", "balloon"];

    [Theory]
    [MemberData(nameof(Devices))]
    public void HostileChainsNeverEscapeTheGuestOrTheDevice(string kind)
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            RunOne(kind, seed);
        }
    }

    private static IVirtioDevice Create(string kind) => kind switch
    {
        "rng" => new VirtioRng(maxQueueSize: 32),
        "console" => new VirtioConsole(_ => { }, maxQueueSize: 32),
        _ => new VirtioBalloon(maxQueueSize: 32),
    };

    private static VirtioWorker WorkerOf(IVirtioDevice d) => d switch
    {
        VirtioRng r => r.Worker,
        VirtioConsole c => c.Worker,
        VirtioBalloon b => b.Worker,
        _ => throw new ArgumentException("unknown device"),
    };

    private static void RunOne(string kind, int seed)
    {
        var rnd = new Random((seed * 31) + kind.Length);
        using var driver = new VirtioTestDriver(_ => Create(kind), RamSize);
        VirtioWorker worker = WorkerOf(driver.Device);
        bool eventIdx = rnd.Next(2) == 0, indirect = rnd.Next(4) != 0;
        ushort size = (ushort)(1 << rnd.Next(6));
        ulong features = VirtioFeatures.Version1 | (eventIdx ? VirtioFeatures.RingEventIdx : 0) | (indirect ? VirtioFeatures.RingIndirectDesc : 0);
        Assert.NotNull(driver.Negotiate(f => (f & VirtioFeatures.DeviceSpecificMask) | features));

        if (rnd.Next(10) == 0)
        {
            HostileQueueSetup(driver, rnd);
            driver.DriverOk();
            Assert.True((driver.Status & DeviceStatus.DeviceNeedsReset) != 0, $"seed {seed}: bad rings accepted");
        }
        else
        {
            for (int i = 0; i < driver.Device.QueueCount; i++)
            {
                driver.SetupQueue(i, size, eventIdx);
            }
            driver.DriverOk();
            Assert.Equal(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk, driver.Status);
            if (driver.Device is VirtioConsole console)
            {
                console.EnqueueInput(new byte[rnd.Next(1, 5000)]);
            }
            HostileRound(driver, rnd, kind, seed, indirect);
        }

        RegisterFuzz(driver, rnd);
        VirtioTestDriver.WaitUntil(() => worker.IsIdle);
        Assert.Equal(0, worker.Faults);

        // After a reset the device works normally again.
        driver.Queues.Clear();
        driver.Start(size: 8);
        VerifyWorks(driver);
        Assert.Equal(0, worker.Faults);
    }

    private static void HostileQueueSetup(VirtioTestDriver driver, Random rnd)
    {
        ulong[] bad = [0, 0x1000, RamEnd - 8, RamEnd, ulong.MaxValue - 15, VirtioTestDriver.RamBase + 1, 0x8000_0000_0000_0000];
        for (int i = 0; i < driver.Device.QueueCount; i++)
        {
            ulong ring = driver.Alloc(4096, 4096);
            driver.Reg(R.QueueSel, (uint)i);
            driver.Reg(R.QueueNum, rnd.Next(3) == 0 ? (uint)rnd.Next(0, 100) : 8);
            ulong desc = ring, avail = ring + 1024, used = ring + 2048;
            switch (rnd.Next(3))
            {
                case 0: desc = bad[rnd.Next(bad.Length)]; break;
                case 1: avail = bad[rnd.Next(bad.Length)]; break;
                default: used = bad[rnd.Next(bad.Length)]; break;
            }
            driver.Reg(R.QueueDescLow, (uint)desc);
            driver.Reg(R.QueueDescHigh, (uint)(desc >> 32));
            driver.Reg(R.QueueDriverLow, (uint)avail);
            driver.Reg(R.QueueDriverHigh, (uint)(avail >> 32));
            driver.Reg(R.QueueDeviceLow, (uint)used);
            driver.Reg(R.QueueDeviceHigh, (uint)(used >> 32));
            driver.Reg(R.QueueReady, 1);
        }
    }

    private static void HostileRound(VirtioTestDriver driver, Random rnd, string kind, int seed, bool indirect)
    {
        GuestMemory m = driver.Memory;
        // Readable data, ring contents and tables are random; writable buffers start in the data area.
        var noise = new byte[0x8000];
        rnd.NextBytes(noise);
        m.Write(VirtioTestDriver.RamBase, noise);
        ulong tableAt = TableBase;
        var expected = new List<(ushort Head, uint Len)>();
        bool expectReset = false;
        foreach (TestVirtQueue q in driver.Queues)
        {
            WriteChains(m, q, rnd, ref tableAt);
            q.AvailFlags = (ushort)rnd.Next(2);
            q.UsedEvent = (ushort)rnd.Next(65536);
            ushort count = rnd.Next(20) == 0 ? (ushort)rnd.Next(65536) : (ushort)rnd.Next(q.Size + 1);
            q.SetAvailIdx(count);
            if (kind == "rng")
            {
                expectReset = Model(m, q, count, indirect, expected);
            }
        }

        byte[] before = driver.ReadRam(VirtioTestDriver.RamBase, (int)RamSize);
        foreach (TestVirtQueue q in driver.Queues)
        {
            q.Kick();
        }
        if (driver.Device is VirtioBalloon balloon)
        {
            balloon.RequestStats();
            balloon.SetTargetPages((uint)rnd.Next());
        }
        VirtioTestDriver.WaitUntil(() => WorkerOf(driver.Device).IsIdle);
        byte[] after = driver.ReadRam(VirtioTestDriver.RamBase, (int)RamSize);

        for (int i = 0; i < before.Length; i++)
        {
            i += before.AsSpan(i).CommonPrefixLength(after.AsSpan(i));
            if (i >= before.Length)
            {
                break;
            }
            ulong gpa = VirtioTestDriver.RamBase + (ulong)i;
            bool usedRing = driver.Queues.Any(q => gpa >= q.Used && gpa < q.Used + 6 + (8UL * q.Size));
            bool allowed = usedRing || (kind == "balloon" ? after[i] == 0 : gpa >= DataBase);
            Assert.True(allowed, $"{kind} seed {seed}: wrote 0x{gpa:x} ({before[i]} -> {after[i]})");
        }

        if (kind == "rng")
        {
            TestVirtQueue q = driver.Queues[0];
            var actual = new List<(ushort, uint)>();
            while (q.TryGetUsed(out uint id, out uint len))
            {
                actual.Add(((ushort)id, len));
            }
            Assert.Equal(expected, actual);
            Assert.Equal(expectReset, (driver.Status & DeviceStatus.DeviceNeedsReset) != 0);
        }
    }

    /// <summary>
    /// Fills the descriptor table with chains that are mostly well formed (readable then writable buffers,
    /// sometimes through an indirect table), with sparse hostile mutations, and lists their heads in the
    /// available ring (sometimes an out-of-range head).
    /// </summary>
    private static void WriteChains(GuestMemory m, TestVirtQueue q, Random rnd, ref ulong tableAt)
    {
        var heads = new List<ushort>();
        int d = 0;
        while (d < q.Size)
        {
            int length = Math.Min(rnd.Next(1, 5), q.Size - d);
            heads.Add((ushort)d);
            if (rnd.Next(5) == 0)
            {
                // An indirect descriptor whose table holds the chain.
                int count = rnd.Next(1, 8);
                ulong table = tableAt;
                tableAt += (ulong)count * 16;
                WriteChain(m, rnd, table, 0, count, count);
                uint len = (uint)count * 16;
                if (rnd.Next(8) == 0)
                {
                    len = (uint)rnd.Next(0, 200);
                }
                WriteDescriptor(m, q.Desc + (16UL * (ulong)d), rnd, table, len, Descriptor.FlagIndirect | (rnd.Next(10) == 0 ? Descriptor.FlagNext : 0), (ushort)(d + 1));
                d++;
            }
            else
            {
                WriteChain(m, rnd, q.Desc, d, length, q.Size);
                d += length;
            }
        }
        for (int i = 0; i < q.Size; i++)
        {
            ushort head = i < heads.Count ? heads[i] : (ushort)rnd.Next(q.Size);
            if (rnd.Next(30) == 0)
            {
                head = (ushort)rnd.Next(65536);
            }
            Assert.True(m.TryWrite(q.Avail + 4 + (2UL * (ulong)i), head));
        }
    }

    /// <summary>Writes descriptors [first, first+length) of a table as one chain, readable then writable.</summary>
    private static void WriteChain(GuestMemory m, Random rnd, ulong table, int first, int length, int tableSize)
    {
        int readable = rnd.Next(length + 1);
        for (int i = 0; i < length; i++)
        {
            bool write = i >= readable;
            ulong addr = write ? DataBase + (ulong)rnd.Next((1 << 20) - 9000) : VirtioTestDriver.RamBase + (ulong)rnd.Next((int)RamSize - 9000);
            uint len = (uint)rnd.Next(1, 9000);
            ushort flags = (ushort)((write ? Descriptor.FlagWrite : 0) | (i < length - 1 ? Descriptor.FlagNext : 0));
            ushort next = (ushort)(first + i + 1);
            WriteDescriptor(m, table + (16UL * (ulong)(first + i)), rnd, addr, len, flags, next, tableSize);
        }
    }

    /// <summary>Writes one descriptor, applying a hostile mutation one time in ten.</summary>
    private static void WriteDescriptor(GuestMemory m, ulong at, Random rnd, ulong addr, uint len, int flags, ushort next, int tableSize = 0)
    {
        if (rnd.Next(10) == 0)
        {
            switch (rnd.Next(12))
            {
                case 0: addr = (ulong)rnd.NextInt64(); break;                       // anywhere
                case 1: addr = ulong.MaxValue - (ulong)rnd.Next(4096); break;       // wraps past 2^64
                case 2: len = uint.MaxValue - (uint)rnd.Next(16); break;            // huge
                case 3: len = 0; break;                                             // empty (allowed)
                case 4: addr = RamEnd - (ulong)rnd.Next(1, 16); len = 64; break;   // straddles the end of RAM
                case 5: addr = VirtioTestDriver.RamBase - 8; break;                 // straddles the start
                case 6: next = (ushort)rnd.Next(65536); flags |= Descriptor.FlagNext; break; // next anywhere
                case 7: next = (ushort)Math.Max(0, (int)next - rnd.Next(1, 4)); flags |= Descriptor.FlagNext; break; // loop
                case 8: flags ^= Descriptor.FlagWrite; if ((flags & Descriptor.FlagWrite) != 0) { addr = DataBase; } break; // direction
                case 9: flags |= Descriptor.FlagIndirect; addr = TableBase + (ulong)rnd.Next(256) * 16; len = (uint)rnd.Next(1, 8) * 16; break; // (nested) indirect
                case 10: flags &= ~Descriptor.FlagNext; break;                      // truncated chain (valid)
                default: next = (ushort)tableSize; flags |= Descriptor.FlagNext; break; // next just past the table
            }
        }
        Assert.True(m.TryWrite(at, addr));
        Assert.True(m.TryWrite(at + 8, len));
        Assert.True(m.TryWrite(at + 12, (ushort)flags));
        Assert.True(m.TryWrite(at + 14, next));
    }

    /// <summary>
    /// An independent model of virtio-rng over the split ring (2.7): which chains it should complete, with what
    /// length, before the first malformed one stops it with DEVICE_NEEDS_RESET. Returns whether it should.
    /// </summary>
    private static bool Model(GuestMemory m, TestVirtQueue q, ushort availIdx, bool indirect, List<(ushort, uint)> used)
    {
        if (availIdx > q.Size)
        {
            return true;
        }
        for (int k = 0; k < availIdx; k++)
        {
            Assert.True(m.TryRead(q.Avail + 4 + (2UL * (ulong)k), out ushort head));
            if (head >= q.Size)
            {
                return true;
            }
            ulong? writable = ModelChain(m, q.Desc, q.Size, head, indirect);
            if (writable == null)
            {
                return true;
            }
            used.Add((head, (uint)Math.Min(writable.Value, VirtioRng.MaxBytesPerRequest)));
        }
        return false;
    }

    private static ulong? ModelChain(GuestMemory m, ulong table, uint count, uint index, bool indirect)
    {
        ulong writable = 0;
        bool sawWritable = false, inIndirect = false;
        int steps = 0;
        while (true)
        {
            if (++steps > count)
            {
                return null;
            }
            ulong at = table + (16UL * index);
            m.TryRead(at, out ulong addr);
            m.TryRead(at + 8, out uint len);
            m.TryRead(at + 12, out ushort flags);
            m.TryRead(at + 14, out ushort next);
            bool hasNext = (flags & 1) != 0, write = (flags & 2) != 0;
            if ((flags & 4) != 0)
            {
                if (inIndirect || !indirect || hasNext || len == 0 || len % 16 != 0 || len / 16 > Math.Max(count, 1024u) || !InRam(addr, len))
                {
                    return null;
                }
                table = addr;
                count = len / 16;
                index = 0;
                steps = 0;
                inIndirect = true;
                continue;
            }
            if (len != 0)
            {
                if (!InRam(addr, len) || (!write && sawWritable))
                {
                    return null;
                }
                sawWritable |= write;
                writable += write ? len : 0;
            }
            if (!hasNext)
            {
                return writable;
            }
            index = next;
            if (index >= count)
            {
                return null;
            }
        }
    }

    private static bool InRam(ulong addr, uint len) =>
        addr >= VirtioTestDriver.RamBase && addr < RamEnd && len <= RamEnd - addr;

    private static void RegisterFuzz(VirtioTestDriver driver, Random rnd)
    {
        int[] sizes = [1, 2, 4, 4, 4, 8];
        for (int i = 0; i < 300; i++)
        {
            ulong offset = rnd.Next(4) == 0 ? (ulong)rnd.Next(0x300) : (ulong)rnd.Next(0x40) * 4;
            int size = sizes[rnd.Next(sizes.Length)];
            ulong value = rnd.Next(3) switch
            {
                0 => (ulong)rnd.Next(16),
                1 => (ulong)rnd.NextInt64(),
                _ => VirtioTestDriver.RamBase + (ulong)rnd.Next((int)RamSize),
            };
            if (rnd.Next(2) == 0)
            {
                driver.Transport.Write(offset, size, value);
            }
            else
            {
                driver.Transport.Read(offset, size);
            }
        }
    }

    private static void VerifyWorks(VirtioTestDriver driver)
    {
        ulong buf = driver.Alloc(16);
        switch (driver.Device)
        {
            case VirtioRng:
                {
                    TestVirtQueue q = driver.Queues[0];
                    ushort h = q.Add((buf, 16, true));
                    q.Kick();
                    Assert.Equal((h, 16u), q.WaitUsed());
                    break;
                }
            case VirtioConsole:
                {
                    TestVirtQueue q = driver.Queues[VirtioConsole.TransmitQueue];
                    ushort h = q.Add((buf, 16, false));
                    q.Kick();
                    Assert.Equal((h, 0u), q.WaitUsed());
                    break;
                }
            default:
                {
                    TestVirtQueue q = driver.Queues[0];
                    Assert.True(driver.Memory.TryWrite(buf, (uint)(DataBase >> 12)));
                    ushort h = q.Add((buf, 4, false));
                    q.Kick();
                    Assert.Equal((h, 0u), q.WaitUsed());
                    Assert.Equal(1, ((VirtioBalloon)driver.Device).InflatedPages);
                    break;
                }
        }
    }
}
