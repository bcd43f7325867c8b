namespace Kalisto.MediaGate.Tags.Formats;

/// <summary>Metadata that cannot be trusted: broken, truncated or hostile (reason <c>unreadable</c>).</summary>
internal sealed class UnreadableMetadataException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Metadata larger than the configured cap (reason <c>too-large</c>).</summary>
internal sealed class MetadataTooLargeException(string message) : Exception(message);
