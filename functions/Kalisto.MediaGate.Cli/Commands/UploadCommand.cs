using System.CommandLine;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Storage;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary><c>mediagate upload PATH... --storage CONN</c>: files and folders into <c>uploads/</c>, relative paths kept.</summary>
internal static class UploadCommand
{
    public static Command Create(CliConsole console)
    {
        var paths = new Argument<string[]>("path") { Arity = ArgumentArity.OneOrMore, Description = "Files, or folders whose first level is the school (uploads/de-wilg/sportdag/foto.jpg)." };
        var storage = StorageCommand.Option();
        var to = new Option<string?>("--to") { Description = "Put everything below this folder of uploads, e.g. de-wilg/sportdag." };
        var command = new Command("upload", "Upload files and folders into the uploads container, as teachers do.") { paths, storage, to };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetRequiredValue(paths), parsed.GetRequiredValue(storage), parsed.GetValue(to), console, ct));
        return command;
    }

    private static Task<int> RunAsync(string[] paths, string connection, string? to, CliConsole console, CancellationToken ct)
    {
        var prefix = string.IsNullOrWhiteSpace(to) ? string.Empty : to.Replace('\\', '/').Trim('/') + "/";
        var missing = paths.FirstOrDefault(p => !File.Exists(p) && !Directory.Exists(p));
        if (missing is not null)
        {
            console.Error.WriteLine($"mediagate upload: no such file or folder: {missing}");
            return Task.FromResult(MediaGateCommandLine.UsageError);
        }

        // A folder's files keep their path below the folder; a single file keeps its own name.
        var files = paths.SelectMany(p => Directory.Exists(p)
                ? InputFiles.Expand([p]).Select(f => (File: f, Name: prefix + Path.GetRelativePath(p, f).Replace('\\', '/')))
                : [(File: Path.GetFullPath(p), Name: prefix + Path.GetFileName(p))])
            .ToList();

        return StorageCommand.RunAsync("upload", connection, snapshotRegister: false, console, ct, async session =>
        {
            var uploads = session.Get<MediaStorage>().Uploads;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct };
            await Parallel.ForEachAsync(files, parallel, async (file, token) =>
            {
                await using var stream = File.OpenRead(file.File);
                await uploads.GetBlobClient(file.Name).UploadAsync(stream, new BlobUploadOptions(), token);
            });
            console.Ansi.MarkupLine($"Uploaded {files.Count} file(s) to [blue]{Markup.Escape(uploads.Name)}[/].");
            return MediaGateCommandLine.Ok;
        });
    }
}
