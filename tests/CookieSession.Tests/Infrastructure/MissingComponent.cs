namespace CookieSession.Tests.Infrastructure;

/// <summary>
/// What a test does when a component it runs against (a runtime, a server, a font) is missing from this machine: it
/// is skipped, except under CI=true, where it fails, because CI must never pass by skipping.
/// </summary>
internal static class MissingComponent
{
    /// <summary>Skips the test, or fails it under CI, saying <paramref name="reason"/>; does nothing when that is <c>null</c>.</summary>
    /// <param name="reason">What is missing and how to install it, or <c>null</c> when nothing is.</param>
    public static void SkipOrFail(string? reason)
    {
        if (reason is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(reason + " CI=true, so this is a failure, not a skip.");
        }

        Assert.Skip(reason);
    }
}
