namespace Kalisto.MediaGate.Tags;

/// <summary>Finds every person and keyword tag in one media file (SPEC §3.1).</summary>
public interface ITagReader
{
    /// <summary>
    /// Reads the tags of a file. Never throws for bad input: broken, hostile or oversized metadata
    /// comes back as a problem (<c>unreadable</c>, <c>too-large</c>, <c>unsupported-type</c>).
    /// </summary>
    /// <param name="content">A seekable stream positioned anywhere; it is read from its start.</param>
    /// <param name="fileName">The file's name (for the extension check and messages).</param>
    TagReadResult Read(Stream content, string fileName);
}
