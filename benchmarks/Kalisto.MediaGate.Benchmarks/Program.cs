using BenchmarkDotNet.Running;
using Kalisto.MediaGate.Benchmarks;

if (args is ["redaction-peak-memory"])
{
    return await RedactionBenchmarks.MeasurePeakMemory();
}

if (args is ["storage-throughput", var connection, var photos, ..])
{
    return await StorageThroughput.RunAsync(connection, photos, args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1000);
}

if (args is ["consent-storm", var storm])
{
    return await ConsentStorm.RunAsync(storm);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
