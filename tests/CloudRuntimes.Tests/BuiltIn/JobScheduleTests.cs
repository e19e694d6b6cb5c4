using CloudRuntimes.Components.Jobs;

namespace CloudRuntimes.Tests.BuiltIn;

/// <summary>Schedules as Dapr's jobs API and cron binding accept them.</summary>
public sealed class JobScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 14, 10, 20, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("@every 1h30m", "2026-03-14T11:50:30Z")]
    [InlineData("@every 1.5s", "2026-03-14T10:20:31.5Z")]
    [InlineData("@every 250ms", "2026-03-14T10:20:30.25Z")]
    [InlineData("0 30 * * * *", "2026-03-14T10:30:00Z")]
    [InlineData("*/15 * * * *", "2026-03-14T10:30:00Z")]
    [InlineData("@daily", "2026-03-15T00:00:00Z")]
    [InlineData("@hourly", "2026-03-14T11:00:00Z")]
    public void Next_firing_follows_the_schedule(string schedule, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), JobSchedule.Parse(schedule).NextAfter(Start));
    }

    [Theory]
    [InlineData("@every")]
    [InlineData("@every 0s")]
    [InlineData("@every 5 minutes")]
    [InlineData("* * *")]
    [InlineData("61 * * * * *")]
    public void Invalid_schedules_are_rejected(string schedule)
    {
        Assert.Throws<FormatException>(() => JobSchedule.Parse(schedule));
    }
}
