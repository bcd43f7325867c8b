namespace Kalisto.MediaGate.Cli.Commands;

/// <summary>Expands the files and folders given on the command line, in a stable order.</summary>
internal static class InputFiles
{
    private static readonly EnumerationOptions Recursive = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
    };

    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", Recursive).Order(StringComparer.Ordinal));
            }
            else
            {
                throw new UsageException($"no such file or folder: {path}");
            }
        }

        return files;
    }

    /// <summary>Opens a file for metadata reading: a small buffer, since only a few kilobytes are read.</summary>
    public static FileStream OpenForTags(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 16 * 1024, FileOptions.RandomAccess);
}
