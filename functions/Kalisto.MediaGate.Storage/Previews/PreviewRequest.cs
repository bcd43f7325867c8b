using Kalisto.MediaGate.Storage.Tables;

namespace Kalisto.MediaGate.Storage.Previews;

/// <summary>
/// A message on the previews queue: make the preview of an item as the decision numbered
/// <see cref="Generation"/> left it. IDs only, no names, no paths.
/// </summary>
public sealed record PreviewRequest(string School, string ItemKey, long Generation)
{
    public static PreviewRequest For(ItemState item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.School, item.ItemId, item.Generation);
    }
}
