using System.Diagnostics;
using System.Globalization;
using Kalisto.MediaGate.Cli.Commands;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Benchmarks;

/// <summary>
/// Where the time of <c>mediagate inspect</c> goes, in one process: each pass over the folder splits the
/// time per file into opening (as the command line opens files), reading tags and closing, with the bytes
/// allocated and the collections per file; the first pass is close to what a fresh process pays, later
/// passes show the steady state (compare with a reader change in the same run).
/// <c>dotnet run -c Release --project benchmarks/Kalisto.MediaGate.Benchmarks -- inspect-phases DIR [PASSES]</c>.
/// </summary>
internal static class InspectPhases
{
    public static int Run(string folder, int passes)
    {
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        var reader = new TagReader();
        for (var pass = 1; pass <= passes; pass++)
        {
            long open = 0, read = 0, close = 0, bytes = 0;
            var gcBefore = GC.CollectionCount(0);
            var pauseBefore = GC.GetTotalPauseDuration();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var total = Stopwatch.StartNew();
            foreach (var file in files)
            {
                var t0 = Stopwatch.GetTimestamp();
                var stream = InputFiles.OpenForTags(file);
                var t1 = Stopwatch.GetTimestamp();
                var result = reader.Read(stream, Path.GetFileName(file));
                var t2 = Stopwatch.GetTimestamp();
                stream.Dispose();
                var t3 = Stopwatch.GetTimestamp();
                open += t1 - t0;
                read += t2 - t1;
                close += t3 - t2;
                bytes += result.BytesRead;
            }

            var wall = total.Elapsed.TotalMicroseconds / files.Length;
            var processor = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / files.Length;
            var allocatedPerFile = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / files.Length;
            var paused = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds;
            double Us(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency / files.Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pass {pass}: {wall:F1} µs/file ({processor:F1} µs processor time): open {Us(open):F1}, read {Us(read):F1}, close {Us(close):F1}; ")
                + string.Create(CultureInfo.InvariantCulture,
                $"{bytes / files.Length} bytes read, {allocatedPerFile} bytes allocated per file, {GC.CollectionCount(0) - gcBefore} gen0 collections ({paused:F0} ms paused)"));
        }

        return 0;
    }
}
