using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.Configuration.Attributes;
using Kalisto.MediaGate.Storage.Pipeline;
using Spectre.Console;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// <c>mediagate download --storage CONN --channel C --to DIR [--school S] [--path PREFIX]</c>: the approved copies
/// that may go on one channel, as files under <c>DIR/{school}/{path}</c>, with <c>DIR/manifest.csv</c>.
/// </summary>
/// <remarks>
/// An item is written only when its current state publishes it on the channel, its copy in <c>approved</c> is
/// its own and carries the channel, and the state is still the same once the copy was read
/// (<see cref="PublishedCopies"/>). A file is never overwritten: an identical one is left as it is (so a run
/// can be repeated), a different one is kept and reported. A path that would lead outside DIR is refused.
/// The manifest has a row per file downloaded for a channel: <c>path</c> (below DIR, <c>/</c> between folders),
/// <c>channel</c>, <c>channels</c> (all the copy is approved for, <c>;</c> between them), <c>item</c> (the item
/// ID), <c>decided_at</c> (UTC) and <c>sha256</c> (of the file). A repeated run updates it; rows of items that
/// are no longer allowed on the channel are taken out and reported (their files stay: the command never deletes).
/// </remarks>
internal static class DownloadCommand
{
    public const string ManifestName = "manifest.csv";

    public static Command Create(CliConsole console)
    {
        var storage = StorageCommand.Option();
        var channel = ItemFilter.ChannelOption("The channel the files are for, e.g. website.");
        channel.Required = true;
        var to = new Option<string>("--to") { Description = "The folder to write the files and manifest.csv into (made when missing).", Required = true };
        var school = ItemFilter.SchoolOption("Only the items of this school.");
        var path = ItemFilter.PathOption();
        var command = new Command("download", "Download the approved copies allowed on one channel into a folder, with a manifest.") { storage, channel, to, school, path };
        command.SetAction((parsed, ct) => RunAsync(
            parsed.GetRequiredValue(storage),
            ItemFilter.From(parsed.GetValue(school), null, parsed.GetValue(channel), parsed.GetValue(path)),
            parsed.GetRequiredValue(to),
            console,
            ct));
        return command;
    }

    private static Task<int> RunAsync(string connection, ItemFilter filter, string to, CliConsole console, CancellationToken ct)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(to));
        if (File.Exists(root))
        {
            console.Error.WriteLine($"mediagate download: --to is a file, not a folder: {to}");
            return Task.FromResult(MediaGateCommandLine.UsageError);
        }

        return StorageCommand.RunAsync("download", connection, snapshotRegister: false, console, ct, async session =>
        {
            if (await filter.ListAsync("download", session, console, ct) is not { } items)
            {
                return MediaGateCommandLine.UsageError;
            }

            var channel = filter.Channel!;
            Directory.CreateDirectory(root);
            var manifest = Manifest.Read(root);
            if (manifest is null)
            {
                console.Error.WriteLine($"mediagate download: {Path.Combine(root, ManifestName)} is not a manifest this command wrote; nothing was downloaded.");
                return MediaGateCommandLine.UsageError;
            }

            var copies = session.Get<PublishedCopies>();
            var allowed = items.Where(i => PublishedCopies.Publishes(i, channel)).ToList();
            int written = 0, already = 0, problems = 0;
            void Problem(string message)
            {
                problems++;
                console.Error.WriteLine($"mediagate download: {message}");
            }

            foreach (var item in allowed)
            {
                if (Target(root, item.Location) is not { } target)
                {
                    Problem($"{item.Location}: refused, the path would lead outside {root}");
                    continue;
                }

                if (await copies.FindAsync(item, channel, ct) is not { } copy)
                {
                    Problem($"{item.Location}: its copy in approved is not in place for {channel} (yet); run the command again later");
                    continue;
                }

                var (sha, fresh) = await WriteAsync(copies, copy, channel, target, ct);
                if (sha is null)
                {
                    Problem(fresh
                        ? $"{item.Location}: a different file is already there, not its approved copy; it was not overwritten"
                        : $"{item.Location}: changed while it was read; not written, run the command again");
                    continue;
                }

                if (fresh)
                {
                    written++;
                }
                else
                {
                    already++;
                }

                manifest[item.Location] = new ManifestRow
                {
                    Path = item.Location,
                    Channel = channel,
                    Channels = string.Join(';', copy.Channels),
                    Item = item.ItemId,
                    DecidedAt = DecisionLine.Timestamp(item.DecidedAt),
                    Sha256 = sha,
                };
            }

            // Files of an earlier run (same channel, same scope) that the channel no longer allows: their item
            // is not the one the channel may have under that path now.
            var now = allowed.ToLookup(i => i.Location, i => i.ItemId, StringComparer.Ordinal);
            var stale = manifest.Values
                .Where(r => r.Channel == channel && !now[r.Path].Contains(r.Item, StringComparer.Ordinal)
                    && (filter.School is null || r.Path.StartsWith(filter.School + "/", StringComparison.Ordinal))
                    && (filter.PathPrefix is null || r.Path.StartsWith(filter.PathPrefix, StringComparison.Ordinal)))
                .Select(r => r.Path)
                .ToList();
            foreach (var path in stale)
            {
                manifest.Remove(path);
                console.Ansi.MarkupLine($"[yellow]{Markup.Escape(path)} is no longer approved for {Markup.Escape(channel)}: do not publish it; it was taken out of the manifest (the file was left).[/]");
            }

            Manifest.Write(root, manifest.Values);
            console.Ansi.MarkupLine($"{written + already} approved item(s) for {Markup.Escape(channel)} downloaded to [blue]{Markup.Escape(root)}[/] ({written} new, {already} already there); manifest: {ManifestName}.");
            if (problems > 0)
            {
                console.Error.WriteLine($"mediagate download: {problems} approved item(s) for {channel} were not downloaded (see above).");
                return StorageCommand.StorageError;
            }

            return MediaGateCommandLine.Ok;
        });
    }

    /// <summary>
    /// Where an item's file goes below <paramref name="root"/>, or null when its path would lead elsewhere
    /// (an empty, <c>.</c> or <c>..</c> segment, a backslash, a colon, a control character, or a full path).
    /// </summary>
    internal static string? Target(string root, string location)
    {
        var segments = location.Split('/');
        if (segments.Length < 2 || segments.Any(s => s.Length == 0 || s is "." or ".." || s.Any(c => char.IsControl(c) || c is '\\' or ':')))
        {
            return null;
        }

        var full = Path.GetFullPath(Path.Combine([root, .. segments]));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>
    /// Reads the copy into a file next to the target, then moves it into place unless a file is there. Returns
    /// the SHA-256 and whether the file is new; null with fresh false when the copy or its item changed while
    /// read, null with fresh true when a different file is in the way.
    /// </summary>
    private static async Task<(string? Sha, bool Fresh)> WriteAsync(PublishedCopies copies, PublishedCopy copy, string channel, string target, CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var part = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.part");
        try
        {
            string? sha;
            await using (var file = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                sha = await copies.DownloadAsync(copy, channel, file, ct);
            }

            if (sha is null)
            {
                return (null, false);
            }

            if (!File.Exists(target))
            {
                try
                {
                    File.Move(part, target, overwrite: false);
                    return (sha, true);
                }
                catch (IOException) when (File.Exists(target))
                {
                    // Written by someone else meanwhile: compared below, like any file that is there.
                }
            }

            await using var existing = File.OpenRead(target);
            var there = Convert.ToHexStringLower(await SHA256.HashDataAsync(existing, ct));
            return there == sha ? (sha, false) : (null, true);
        }
        finally
        {
            File.Delete(part);
        }
    }

    /// <summary>One row of <c>manifest.csv</c>.</summary>
    internal sealed class ManifestRow
    {
        [Name("path")]
        public string Path { get; set; } = string.Empty;

        [Name("channel")]
        public string Channel { get; set; } = string.Empty;

        [Name("channels")]
        public string Channels { get; set; } = string.Empty;

        [Name("item")]
        public string Item { get; set; } = string.Empty;

        [Name("decided_at")]
        public string DecidedAt { get; set; } = string.Empty;

        [Name("sha256")]
        public string Sha256 { get; set; } = string.Empty;
    }

    /// <summary><c>manifest.csv</c>, read and written with CsvHelper; one row per path, sorted.</summary>
    private static class Manifest
    {
        private static readonly CsvConfiguration Csv = new(CultureInfo.InvariantCulture) { NewLine = "\n" };

        /// <summary>The rows by path (empty when there is no manifest yet), or null when the file is not one.</summary>
        public static Dictionary<string, ManifestRow>? Read(string root)
        {
            var path = System.IO.Path.Combine(root, ManifestName);
            var rows = new Dictionary<string, ManifestRow>(StringComparer.Ordinal);
            if (!File.Exists(path))
            {
                return rows;
            }

            try
            {
                using var reader = new StreamReader(path, Encoding.UTF8);
                using var csv = new CsvReader(reader, Csv);
                foreach (var row in csv.GetRecords<ManifestRow>())
                {
                    rows[row.Path] = row;
                }

                return rows;
            }
            catch (CsvHelperException)
            {
                return null;
            }
        }

        /// <summary>Writes the manifest next to itself, then puts it in place: a run that dies leaves the old one.</summary>
        public static void Write(string root, IEnumerable<ManifestRow> rows)
        {
            var path = System.IO.Path.Combine(root, ManifestName);
            var part = path + ".part";
            using (var writer = new StreamWriter(part, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            using (var csv = new CsvWriter(writer, Csv))
            {
                csv.WriteRecords(rows.OrderBy(r => r.Path, StringComparer.Ordinal).ThenBy(r => r.Channel, StringComparer.Ordinal));
            }

            File.Move(part, path, overwrite: true);
        }
    }
}
