using Kalisto.MediaGate.Faces;
using Kalisto.MediaGate.Tags;

namespace Kalisto.MediaGate.Tests.Faces;

/// <summary>The rule of SPEC §11 on synthetic boxes: which detected faces the tags account for.</summary>
public sealed class FaceAccountingTests
{
    private static readonly FaceRegion Left = new(0.10, 0.20, 0.15, 0.20);
    private static readonly FaceRegion Right = new(0.60, 0.20, 0.15, 0.20);

    private static Dictionary<string, IReadOnlyList<FaceRegion>> Located(params (string Subject, FaceRegion Region)[] regions) =>
        regions.GroupBy(r => r.Subject).ToDictionary(g => g.Key, g => (IReadOnlyList<FaceRegion>)g.Select(r => r.Region).ToList(), StringComparer.Ordinal);

    [Fact]
    public void A_face_inside_a_tagged_region_is_accounted_for_and_the_other_is_unidentified()
    {
        var account = FaceAccounting.Account([Left, Right], Located(("LL-1001", new FaceRegion(0.08, 0.18, 0.20, 0.25))), subjectsWithoutRegion: 0);

        Assert.Equal([Right], account.Unmatched);
        Assert.Equal(1, account.Unidentified);
        Assert.True(account.AnyUnidentified);
    }

    [Fact]
    public void A_region_that_overlaps_a_face_enough_accounts_for_it_though_the_faces_centre_is_outside()
    {
        // The detector's box is shifted right of the tagged one: its centre falls outside, the overlap is about a third.
        var tagged = new FaceRegion(0.10, 0.20, 0.10, 0.20);
        var found = new FaceRegion(0.16, 0.20, 0.10, 0.20);

        Assert.True(FaceAccounting.IntersectionOverUnion(found, tagged) is > FaceAccounting.MinOverlap and < 0.5);
        Assert.Empty(FaceAccounting.Account([found], Located(("LL-1001", tagged)), 0).Unmatched);
    }

    [Fact]
    public void A_region_that_only_touches_a_face_does_not_account_for_it()
    {
        var tagged = new FaceRegion(0.10, 0.20, 0.10, 0.20);
        var neighbour = new FaceRegion(0.19, 0.20, 0.10, 0.20); // 10% of the width in common

        Assert.Equal(0, FaceAccounting.Match(neighbour, tagged));
        Assert.Equal(1, FaceAccounting.Account([neighbour], Located(("LL-1001", tagged)), 0).Unidentified);
    }

    [Fact]
    public void One_subject_accounts_for_one_face_even_with_a_region_on_each()
    {
        var account = FaceAccounting.Account([Left, Right], Located(("LL-1001", Left), ("LL-1001", Right)), 0);

        Assert.Single(account.Unmatched);
        Assert.Equal(1, account.Unidentified);
    }

    [Fact]
    public void Two_subjects_each_take_their_own_face_the_best_overlap_first()
    {
        var wide = new FaceRegion(0.05, 0.10, 0.75, 0.40); // a careless region over both faces
        var account = FaceAccounting.Account([Left, Right], Located(("LL-1001", wide), ("LL-1002", Right)), 0);

        Assert.Empty(account.Unmatched); // LL-1002 takes the right face, LL-1001 is left with the left one
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 1)]
    [InlineData(2, 0)]
    [InlineData(5, 0)]
    public void Subjects_tagged_without_a_region_may_each_be_one_of_the_faces_left(int withoutRegion, int unidentified)
    {
        var account = FaceAccounting.Account([Left, Right], Located(), withoutRegion);

        Assert.Equal(2, account.Unmatched.Count); // all are pixelated when any is unidentified: which is whom is unknown
        Assert.Equal(unidentified, account.Unidentified);
    }

    [Fact]
    public void No_faces_leave_nothing_unidentified_and_the_tags_are_not_needed()
    {
        var account = FaceAccounting.Account([], Located(("LL-1001", Left)), 3);

        Assert.Empty(account.Unmatched);
        Assert.False(account.AnyUnidentified);
    }

    [Fact]
    public void Empty_or_disjoint_boxes_have_no_overlap()
    {
        Assert.Equal(0, FaceAccounting.IntersectionOverUnion(Left, Right));
        Assert.Equal(0, FaceAccounting.IntersectionOverUnion(new FaceRegion(0.1, 0.1, 0, 0), new FaceRegion(0, 0, 1, 1)));
        Assert.Equal(1, FaceAccounting.IntersectionOverUnion(Left, Left), 10);
    }
}
