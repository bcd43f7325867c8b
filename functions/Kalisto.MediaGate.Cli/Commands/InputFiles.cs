using System.Globalization;
using System.IO.Enumeration;
using Mono.Unix;

namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>
/// Expands the files and folders given on the command line, in a stable order, and checks the paths a command
/// writes to. In a folder only regular files are taken: FIFOs, sockets and devices (reading one would hang or
/// never end), symbolic links (never followed, so nothing outside the folder is read or uploaded, and nothing
/// twice), and the clutter operating systems leave (<c>.DS_Store</c>, <c>Thumbs.db</c>, <c>desktop.ini</c>,
/// <c>._*</c>, <c>.Spotlight-V100</c>, <c>.Trashes</c>, …) are skipped and counted (<see cref="SkippedFiles"/>).
/// A file or folder named on the command line itself is taken as named, links followed; a named FIFO, socket
/// or device is a usage error.
/// </summary>
internal static class InputFiles
{
    private static readonly HashSet<string> SystemFileNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ".DS_Store", "Thumbs.db", "ehthumbs.db", "desktop.ini", ".localized", "Icon\r",
    };

    private static readonly HashSet<string> SystemFolderNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ".Spotlight-V100", ".Trashes", ".fseventsd", ".TemporaryItems", ".DocumentRevisions-V100", "$RECYCLE.BIN", "System Volume Information", "__MACOSX",
    };

    private static readonly EnumerationOptions Recursive = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    /// <summary>The regular files under <paramref name="paths"/> (see the class); what was skipped is not reported.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths) => List(paths).Files;

    /// <summary>The regular files under <paramref name="paths"/>, each folder's sorted by path (ordinal), and what was skipped.</summary>
    /// <exception cref="UsageException">A path does not exist, or names a FIFO, socket or device.</exception>
    public static InputListing List(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var skipped = new SkippedFiles();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Walk(path, skipped).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                var kind = KindOf(path, followLink: true);
                if (kind != EntryKind.Regular)
                {
                    throw new UsageException($"not a regular file ({Name(kind, 1)}): {path}");
                }

                files.Add(path);
            }
            else
            {
                throw new UsageException($"no such file or folder: {path}");
            }
        }

        return new InputListing(files, skipped);
    }

    /// <summary>Checks a file a command reads (a consent CSV): null when it is a regular file, otherwise what is wrong.</summary>
    public static string? CheckInputFile(string path)
    {
        if (Directory.Exists(path))
        {
            return $"a folder, not a file: {path}";
        }

        if (!File.Exists(path))
        {
            return $"no such file: {path}";
        }

        return KindOf(path, followLink: true) is var kind && kind != EntryKind.Regular ? $"not a regular file ({Name(kind, 1)}): {path}" : null;
    }

    /// <summary>Opens a file for metadata reading: a small buffer, since only a few kilobytes are read.</summary>
    public static FileStream OpenForTags(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 16 * 1024, FileOptions.RandomAccess);

    /// <summary>
    /// Checks the file an <c>--out</c> option names before anything runs, and makes its folder: null when it
    /// can be written, otherwise what is wrong (a folder, a folder that cannot be made, a FIFO or device).
    /// </summary>
    public static string? CheckOutputFile(string path, string option = "--out")
    {
        if (Directory.Exists(path))
        {
            return $"{option} is a folder, not a file: {path}";
        }

        if (File.Exists(path) && KindOf(path, followLink: true) is not EntryKind.Regular and var kind)
        {
            return $"{option} is not a regular file ({Name(kind, 1)}): {path}";
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is null ? null : MakeFolder(folder, option);
    }

    /// <summary>Checks (and makes) the folder an <c>--out</c> option names: null when it can be written into, otherwise what is wrong.</summary>
    public static string? CheckOutputFolder(string path, string option = "--out") =>
        File.Exists(path) ? $"{option} is a file, not a folder: {path}" : MakeFolder(path, option);

    /// <summary>What went wrong with a path, in one line without a stack trace.</summary>
    public static string Describe(Exception e) => e switch
    {
        UnauthorizedAccessException => $"permission denied: {e.Message}",
        _ => e.Message,
    };

    private static string? MakeFolder(string folder, string option)
    {
        try
        {
            Directory.CreateDirectory(folder);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the folder of {option} cannot be made ({Describe(e)})";
        }
    }

    private static IEnumerable<string> Walk(string folder, SkippedFiles skipped)
    {
        var entries = new FileSystemEnumerable<(string Path, string Name, bool Folder, bool Link)>(
            folder,
            (ref FileSystemEntry e) => (e.ToFullPath(), e.FileName.ToString(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0),
            Recursive)
        {
            ShouldRecursePredicate = (ref FileSystemEntry e) =>
                (e.Attributes & FileAttributes.ReparsePoint) == 0 && !SystemFolderNames.Contains(e.FileName.ToString()),
        };
        foreach (var entry in entries)
        {
            if (entry.Link)
            {
                skipped.Add(EntryKind.Link);
            }
            else if (entry.Folder)
            {
                if (SystemFolderNames.Contains(entry.Name))
                {
                    skipped.Add(EntryKind.System);
                }
            }
            else if (SystemFileNames.Contains(entry.Name) || entry.Name.StartsWith("._", StringComparison.Ordinal))
            {
                skipped.Add(EntryKind.System);
            }
            else if (KindOf(entry.Path, followLink: false) is var kind && kind != EntryKind.Regular)
            {
                skipped.Add(kind);
            }
            else
            {
                yield return entry.Path;
            }
        }
    }

    /// <summary>The kind of a file system entry; what cannot be told (Windows, an error) counts as regular, and opening it then fails or works.</summary>
    private static EntryKind KindOf(string path, bool followLink)
    {
        if (OperatingSystem.IsWindows())
        {
            return EntryKind.Regular; // no FIFOs, sockets or devices as files in a folder
        }

        try
        {
            // lstat (or stat): the BCL does not tell a FIFO from an empty file.
            UnixFileSystemInfo info = followLink ? new UnixFileInfo(path) : new UnixSymbolicLinkInfo(path);
            return info.FileType switch
            {
                FileTypes.RegularFile => EntryKind.Regular,
                FileTypes.Fifo => EntryKind.Fifo,
                FileTypes.Socket => EntryKind.Socket,
                FileTypes.CharacterDevice or FileTypes.BlockDevice => EntryKind.Device,
                FileTypes.SymbolicLink => EntryKind.Link,
                FileTypes.Directory => EntryKind.Regular,
                _ => EntryKind.Regular,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or DllNotFoundException)
        {
            return EntryKind.Regular;
        }
    }

    internal static string Name(EntryKind kind, int count) => kind switch
    {
        EntryKind.System => count == 1 ? "system file" : "system files",
        EntryKind.Fifo => count == 1 ? "FIFO" : "FIFOs",
        EntryKind.Socket => count == 1 ? "socket" : "sockets",
        EntryKind.Device => count == 1 ? "device" : "devices",
        EntryKind.Link => count == 1 ? "symbolic link" : "symbolic links",
        _ => count == 1 ? "file" : "files",
    };
}

/// <summary>What a folder listing was made of: an entry that is not a regular file to read.</summary>
internal enum EntryKind
{
    Regular,
    System,
    Fifo,
    Socket,
    Device,
    Link,
}

/// <summary>The files of a listing, and what was skipped.</summary>
internal sealed record InputListing(IReadOnlyList<string> Files, SkippedFiles Skipped);

/// <summary>How many entries of each kind a listing skipped (thread-safe counts).</summary>
internal sealed class SkippedFiles
{
    private readonly int[] _counts = new int[Enum.GetValues<EntryKind>().Length];

    public int Count(EntryKind kind) => Volatile.Read(ref _counts[(int)kind]);

    public int Total => _counts.Sum();

    public void Add(EntryKind kind) => Interlocked.Increment(ref _counts[(int)kind]);

    /// <summary>"skipped 3 system files and 1 FIFO (not screened)"; null when nothing was skipped.</summary>
    public string? Describe(string what)
    {
        var parts = Enum.GetValues<EntryKind>()
            .Where(k => k != EntryKind.Regular && Count(k) > 0)
            .Select(k => string.Create(CultureInfo.InvariantCulture, $"{Count(k)} {InputFiles.Name(k, Count(k))}"))
            .ToList();
        if (parts.Count == 0)
        {
            return null;
        }

        var list = parts.Count == 1 ? parts[0] : $"{string.Join(", ", parts[..^1])} and {parts[^1]}";
        return $"skipped {list} ({what})";
    }
}
