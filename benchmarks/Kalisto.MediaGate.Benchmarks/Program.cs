using BenchmarkDotNet.Running;
using Kalisto.MediaGate.Benchmarks;

if (args is ["redaction-peak-memory"])
{
    return await RedactionBenchmarks.MeasurePeakMemory();
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
