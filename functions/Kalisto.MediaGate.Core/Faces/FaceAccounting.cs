using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Faces;

/// <summary>
/// What the faces a detector found leave unexplained by the tags (SPEC §11): <see cref="Unmatched"/> are the faces no
/// tagged face region accounts for; <see cref="Unidentified"/> of them are more than the subjects that the tags name
/// without a region could be. When it is above zero every unmatched face is to be pixelated: which of them is the
/// subject tagged without a region cannot be told, so none is shown.
/// </summary>
public sealed record FaceAccount(IReadOnlyList<FaceRegion> Unmatched, int Unidentified)
{
    /// <summary>Whether some face is nobody's the tags name (<c>unidentified-face</c>).</summary>
    public bool AnyUnidentified => Unidentified > 0;
}

/// <summary>
/// Holds detected faces against the tags. A face is accounted for by a resolved subject's face region when the face's
/// centre is inside the region or the two overlap by at least <see cref="MinOverlap"/> (intersection over union). Each
/// subject accounts for one face at most (one person, one face: two regions of one subject on two faces leave one of
/// them unexplained), the best overlap first. Then each subject the tags name without a region may be any one of the
/// faces left. Only restricts: nothing here approves anything.
/// </summary>
public static class FaceAccounting
{
    /// <summary>The overlap (intersection over union) at which a region accounts for a face whose centre is outside it.</summary>
    public const double MinOverlap = 0.2;

    /// <param name="detected">The faces found, normalised to the displayed image as <see cref="FaceRegion"/> is.</param>
    /// <param name="located">Each resolved subject located by face regions, with those regions.</param>
    /// <param name="subjectsWithoutRegion">How many resolved subjects the tags name without (only) face regions.</param>
    public static FaceAccount Account(IReadOnlyList<FaceRegion> detected, IReadOnlyDictionary<string, IReadOnlyList<FaceRegion>> located, int subjectsWithoutRegion)
    {
        ArgumentNullException.ThrowIfNull(detected);
        ArgumentNullException.ThrowIfNull(located);
        ArgumentOutOfRangeException.ThrowIfNegative(subjectsWithoutRegion);
        var pairs = new List<(double Score, string Subject, int Face)>();
        for (var face = 0; face < detected.Count; face++)
        {
            foreach (var (subject, regions) in located)
            {
                var best = regions.Select(region => Match(detected[face], region)).DefaultIfEmpty(0).Max();
                if (best > 0)
                {
                    pairs.Add((best, subject, face));
                }
            }
        }

        var matchedFaces = new HashSet<int>();
        var matchedSubjects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, subject, face) in pairs.OrderByDescending(p => p.Score).ThenBy(p => p.Subject, StringComparer.Ordinal).ThenBy(p => p.Face))
        {
            if (!matchedFaces.Contains(face) && matchedSubjects.Add(subject))
            {
                matchedFaces.Add(face);
            }
        }

        var unmatched = detected.Where((_, i) => !matchedFaces.Contains(i)).ToList();
        return new FaceAccount(unmatched, Math.Max(0, unmatched.Count - subjectsWithoutRegion));
    }

    /// <summary>How well <paramref name="region"/> accounts for <paramref name="face"/>: 0 when not at all; else above 0, more for more overlap.</summary>
    public static double Match(FaceRegion face, FaceRegion region)
    {
        ArgumentNullException.ThrowIfNull(face);
        ArgumentNullException.ThrowIfNull(region);
        var overlap = IntersectionOverUnion(face, region);
        var (x, y) = (face.Left + (face.Width / 2), face.Top + (face.Height / 2));
        var centreInside = x >= region.Left && x <= region.Left + region.Width && y >= region.Top && y <= region.Top + region.Height;
        return centreInside ? 1 + overlap : overlap >= MinOverlap ? overlap : 0;
    }

    /// <summary>The area both cover over the area either covers (0 when they do not meet or one is empty).</summary>
    public static double IntersectionOverUnion(FaceRegion a, FaceRegion b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var width = Math.Min(a.Left + a.Width, b.Left + b.Width) - Math.Max(a.Left, b.Left);
        var height = Math.Min(a.Top + a.Height, b.Top + b.Height) - Math.Max(a.Top, b.Top);
        if (width <= 0 || height <= 0)
        {
            return 0;
        }

        var both = width * height;
        var union = (a.Width * a.Height) + (b.Width * b.Height) - both;
        return union > 0 ? both / union : 0;
    }
}
