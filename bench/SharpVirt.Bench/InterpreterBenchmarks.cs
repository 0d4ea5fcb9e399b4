using BenchmarkDotNet.Attributes;
using SharpVirt.Cpu.CodeGen;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Translation;

namespace SharpVirt.Bench;

/// <summary>
/// Microbenchmarks: decode; the interpreter's dispatch and translated code on a fixed integer loop; a load
/// that hits the TLB; and the cost of translating a block. The loops run 1M guest instructions per op, so
/// BenchmarkDotNet's mean is per guest instruction.
/// </summary>
[MemoryDiagnoser]
public class InterpreterBenchmarks
{
    public const int InstructionsPerOp = 1_000_000;
    private IntegerLoop loop = null!, translated = null!, baseline = null!, loads = null!;
    private DecodedInsn[] block = [];
    private CodeArena arena = null!;

    [GlobalSetup]
    public void Setup()
    {
        loop = new IntegerLoop();
        translated = new IntegerLoop();
        translated.Hart.JitEnabled = true;
        translated.Hart.HotThreshold = 1;
        translated.Hart.Run(InstructionsPerOp); // compile before measuring
        baseline = new IntegerLoop();
        baseline.Hart.JitEnabled = true;
        baseline.Hart.HotThreshold = int.MaxValue;
        baseline.Hart.NativeThreshold = 1;
        arena = new CodeArena();
        loads = new IntegerLoop(IntegerLoop.Loads);
        // A typical straight-line block: the loop body of both programs, four times over.
        block = [.. Enumerable.Repeat(IntegerLoop.Integer[2..5].Concat(IntegerLoop.Loads[1..5]), 4).SelectMany(x => x).Select(Decoder.Decode)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        loop.Dispose();
        translated.Dispose();
        baseline.Dispose();
        loads.Dispose();
        arena.Dispose();
        unsafe
        {
            System.Runtime.InteropServices.NativeMemory.Free(pageState);
        }
    }

    /// <summary>Interpreter: ns per guest instruction of addi/add/xor/bne.</summary>
    [Benchmark(OperationsPerInvoke = InstructionsPerOp)]
    public void IntegerLoopDispatch() => loop.Hart.Run(InstructionsPerOp);

    /// <summary>Translated code on the same loop (block chaining included).</summary>
    [Benchmark(OperationsPerInvoke = InstructionsPerOp)]
    public void IntegerLoopTranslated() => translated.Hart.Run(InstructionsPerOp);

    /// <summary>The same loop in baseline code (the translator's first tier).</summary>
    [Benchmark(OperationsPerInvoke = InstructionsPerOp)]
    public void IntegerLoopBaseline() => baseline.Hart.Run(InstructionsPerOp);

    /// <summary>Interpreter: a loop that is two thirds loads, every one a TLB hit.</summary>
    [Benchmark(OperationsPerInvoke = InstructionsPerOp)]
    public void TlbHitLoads() => loads.Hart.Run(InstructionsPerOp);

    [Benchmark]
    public DecodedInsn Decode32() => Decoder.Decode(0x0062c3b3);

    [Benchmark]
    public DecodedInsn DecodeCompressed() => Decoder.Decode(0x0505);

    /// <summary>Translating a 28-instruction block to a .NET method (IL emission and the .NET JIT).</summary>
    [Benchmark]
    public BlockFunction TranslateBlock() => BlockTranslator.Compile(block, IntegerLoop.RamBase, translated.Hart);

    /// <summary>The same block to baseline x86-64 code.</summary>
    [Benchmark]
    public unsafe nint TranslateBlockBaseline() => BaselineTranslator.Compile(block, block.Length, arena, 0, pageState, 1, 0, out _);

    private readonly unsafe int* pageState = (int*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(4);
}
