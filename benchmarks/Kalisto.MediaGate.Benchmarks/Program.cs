using BenchmarkDotNet.Running;
using Kalisto.MediaGate.Benchmarks;

if (args is ["redaction-peak-memory"])
{
    return await RedactionBenchmarks.MeasurePeakMemory();
}

if (args is ["faces-peak-memory"])
{
    return await FaceDetectionBenchmarks.MeasurePeakMemory();
}

if (args is ["faces-corpus", var corpus, ..])
{
    return await FacesCorpus.RunAsync(corpus, args.Length > 2 ? args[2] : null);
}

if (args is ["storage-throughput", var connection, var photos, ..])
{
    return await StorageThroughput.RunAsync(connection, photos, args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1000);
}

if (args is ["inspect-set", var folder, ..])
{
    return InspectSet.Write(folder, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3000, args.Length > 3 ? args[3] : null);
}

if (args is ["inspect-phases", var phases, ..])
{
    return InspectPhases.Run(phases, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
}

if (args is ["consent-storm", var storm])
{
    return await ConsentStorm.RunAsync(storm);
}

// The benchmarks run in child processes with another working directory: a relative folder is made absolute here.
if (Environment.GetEnvironmentVariable("MEDIAGATE_BENCH_DIR") is { Length: > 0 } benchDir)
{
    Environment.SetEnvironmentVariable("MEDIAGATE_BENCH_DIR", Path.GetFullPath(benchDir));
}

BenchmarkSwitcher.FromAssembly(typeof(InspectSet).Assembly).Run(args);
return 0;
