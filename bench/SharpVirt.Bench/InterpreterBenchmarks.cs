using BenchmarkDotNet.Attributes;
using SharpVirt.Cpu.Decoders;

namespace SharpVirt.Bench;

/// <summary>Microbenchmarks: decode, and the interpreter's dispatch on a fixed integer loop (1M guest instructions per op).</summary>
[MemoryDiagnoser]
public class InterpreterBenchmarks
{
    public const int InstructionsPerOp = 1_000_000;
    private IntegerLoop loop = null!;

    [GlobalSetup]
    public void Setup() => loop = new IntegerLoop();

    [GlobalCleanup]
    public void Cleanup() => loop.Dispose();

    /// <summary>1M guest instructions; divide the mean by 1M for ns per instruction.</summary>
    [Benchmark(OperationsPerInvoke = InstructionsPerOp)]
    public void IntegerLoopDispatch() => loop.Hart.Run(InstructionsPerOp);

    [Benchmark]
    public DecodedInsn Decode32() => Decoder.Decode(0x0062c3b3);

    [Benchmark]
    public DecodedInsn DecodeCompressed() => Decoder.Decode(0x0505);
}
