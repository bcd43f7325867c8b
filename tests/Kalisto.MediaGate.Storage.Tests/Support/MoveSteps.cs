using Azure.Core;
using Kalisto.MediaGate.Storage;

namespace Kalisto.MediaGate.Tests.Support;

/// <summary>
/// Fault rules that stop a move at one of its steps (SPEC §8): the item row and index, the copy, the
/// decision (one table transaction with the state; for an image that waits for its faces, the write of its
/// screening state, which records no decision yet), the delete of the upload.
/// </summary>
internal static class MoveSteps
{
    public const string BeforeIndexing = "before the item is indexed";
    public const string BeforeCopy = "after indexing, before the copy is written";
    public const string BeforeDecision = "after the copy, before the decision";
    public const string BeforeDelete = "after recording, before the delete";

    public static readonly string[] All = [BeforeIndexing, BeforeCopy, BeforeDecision, BeforeDelete];

    /// <summary>A request to write a table transaction (item rows, decisions, index, register changes).</summary>
    public static bool IsTransaction(Request r) => r.Method == RequestMethod.Post && r.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal);

    /// <summary>A write of one item row alone (the screening state of an item that waits for its faces, its faces, a confirmation).</summary>
    public static bool IsItemRowWrite(Request r, MediaStorage storage) =>
        (r.Method == RequestMethod.Put || r.Method == RequestMethod.Patch || r.Method.Method == "MERGE")
        && r.Uri.Path.Contains("/" + storage.Items.Name + "(", StringComparison.Ordinal);

    public static bool To(Request r, string name) => r.Uri.Path.Contains("/" + name + "/", StringComparison.Ordinal) || r.Uri.Path.EndsWith("/" + name, StringComparison.Ordinal);

    public static bool IsCopy(Request r, MediaStorage storage) =>
        r.Method == RequestMethod.Put && (To(r, storage.Approved.Name) || To(r, storage.Quarantine.Name)) && !r.Uri.Query.Contains("comp=", StringComparison.Ordinal);

    /// <summary>A rule that fails every request at <paramref name="step"/>, once per item moved.</summary>
    public static Func<Request, bool> Rule(string step, MediaStorage storage)
    {
        var copied = false;
        return step switch
        {
            BeforeIndexing => IsTransaction,
            BeforeCopy => r => IsCopy(r, storage),
            BeforeDecision => r =>
            {
                if (IsCopy(r, storage))
                {
                    copied = true;
                    return false;
                }

                if (copied && (IsTransaction(r) || IsItemRowWrite(r, storage)))
                {
                    copied = false;
                    return true;
                }

                return false;
            }
            ,
            BeforeDelete => r => r.Method == RequestMethod.Delete && To(r, storage.Uploads.Name),
            _ => throw new ArgumentOutOfRangeException(nameof(step)),
        };
    }
}
