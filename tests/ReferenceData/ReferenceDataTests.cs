namespace CloudRuntimes.Testing;

/// <summary>
/// The one line a run without the shared reference data shows for all the tests that need it (issue #20):
/// <c>skipped N tests: ../shared (reference data) not found beside the repository at PATH</c>.
/// </summary>
public sealed class ReferenceDataTests
{
    [Fact]
    public void Tests_that_need_the_reference_data_are_reported_in_one_line_when_it_is_missing()
    {
        Assert.SkipUnless(ReferenceData.IsPresent, ReferenceData.SkipSummary);

        Assert.Equal(0, ReferenceData.Withheld);
    }
}
