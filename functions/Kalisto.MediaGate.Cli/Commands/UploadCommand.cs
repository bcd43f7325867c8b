using System.CommandLine;
using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Kalisto.MediaGate.Storage;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate upload PATH... --storage CONN</c>: files and folders into <c>uploads/</c>, relative paths kept.
/// A folder's FIFOs, links and system files are skipped (<see cref="InputFiles"/>). A file whose blob is
/// already in <c>uploads</c> with the same content (MD5) is not uploaded again, so a run that was stopped
/// continues where it was; a changed file replaces its blob, as before.
/// </summary>
internal static class UploadCommand
{
    /// <summary>
    /// Bytes per request: each must finish within the command's network timeout (10 s by default), which
    /// 1 MiB does from about 1 Mbit/s per file on.
    /// </summary>
    private const int BlockBytes = 1024 * 1024;

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

        // A folder's files keep their path below the folder; a single file keeps its own name.
        var skipped = new SkippedFiles();
        var files = new List<(string File, string Name)>();
        try
        {
            foreach (var path in paths)
            {
                var listing = InputFiles.List([path]);
                foreach (var kind in Enum.GetValues<EntryKind>().Where(k => k != EntryKind.Regular))
                {
                    for (var i = 0; i < listing.Skipped.Count(kind); i++)
                    {
                        skipped.Add(kind);
                    }
                }

                files.AddRange(Directory.Exists(path)
                    ? listing.Files.Select(f => (File: f, Name: prefix + Path.GetRelativePath(path, f).Replace('\\', '/')))
                    : [(File: Path.GetFullPath(path), Name: prefix + Path.GetFileName(path))]);
            }
        }
        catch (UsageException e)
        {
            console.Error.WriteLine($"mediagate upload: {e.Message}");
            return Task.FromResult(MediaGateCommandLine.UsageError);
        }

        return StorageCommand.RunAsync("upload", connection, snapshotRegister: false, console, ct, async session =>
        {
            var uploads = session.Get<MediaStorage>().Uploads;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct };
            int uploaded = 0, unchanged = 0, unreadable = 0;
            try
            {
                await Parallel.ForEachAsync(files, parallel, async (file, token) =>
                {
                    var (outcome, why) = await UploadAsync(uploads.GetBlobClient(file.Name), file.File, token);
                    switch (outcome)
                    {
                        case Outcome.Uploaded:
                            Interlocked.Increment(ref uploaded);
                            break;
                        case Outcome.Unchanged:
                            Interlocked.Increment(ref unchanged);
                            break;
                        default:
                            Interlocked.Increment(ref unreadable);
                            console.Error.WriteLine($"mediagate upload: {file.File} cannot be read ({why}); not uploaded.");
                            break;
                    }

                    console.ItemDone?.Invoke();
                });
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return StorageCommand.Stopped(console, "upload", $"after {uploaded + unchanged + unreadable} of {files.Count} files; a file is in uploads whole or not at all; run the same command again to upload the rest (what is already there unchanged is not uploaded twice)");
            }

            console.Ansi.MarkupLine(unchanged == 0
                ? $"Uploaded {uploaded} file(s) to [blue]{Markup.Escape(uploads.Name)}[/]."
                : $"Uploaded {uploaded} file(s) to [blue]{Markup.Escape(uploads.Name)}[/]; {unchanged} were there already, unchanged.");
            if (skipped.Describe("not uploaded") is { } note)
            {
                console.Ansi.MarkupLine($"[grey]{Markup.Escape(char.ToUpperInvariant(note[0]) + note[1..])}.[/]");
            }

            // A file that could not be read is a path problem (2); each was named above.
            return unreadable == 0 ? MediaGateCommandLine.Ok : MediaGateCommandLine.UsageError;
        });
    }

    /// <summary>
    /// Uploads a file unless its blob exists with the same MD5. A local file that cannot be read is told apart
    /// from storage failing (which ends the command): it is reported and the others go on.
    /// </summary>
    private static async Task<(Outcome Outcome, string? Why)> UploadAsync(BlobClient blob, string file, CancellationToken ct)
    {
        byte[] md5;
        FileStream stream;
        try
        {
            await using (var read = File.OpenRead(file))
            {
                // The Content-MD5 the storage keeps for each blob: an identity of the content, not a security measure.
#pragma warning disable CA5351
                md5 = await MD5.HashDataAsync(read, ct);
#pragma warning restore CA5351
            }

            stream = File.OpenRead(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (Outcome.Unreadable, InputFiles.Describe(e));
        }

        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentHash = md5 },
            TransferOptions = new StorageTransferOptions { InitialTransferSize = BlockBytes, MaximumTransferSize = BlockBytes },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        await using (stream)
        {
            try
            {
                await blob.UploadAsync(stream, options, ct);
                return (Outcome.Uploaded, null);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                var existing = await blob.GetPropertiesAsync(cancellationToken: ct);
                if (existing.Value.ContentHash is { } hash && hash.AsSpan().SequenceEqual(md5))
                {
                    return (Outcome.Unchanged, null);
                }

                stream.Position = 0;
                options.Conditions = null;
                await blob.UploadAsync(stream, options, ct);
                return (Outcome.Uploaded, null);
            }
        }
    }

    /// <summary>What became of one file.</summary>
    private enum Outcome
    {
        Uploaded,
        Unchanged,
        Unreadable,
    }
}
