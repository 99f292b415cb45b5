namespace CookieSession.Migration;

/// <summary>
/// The framework the shop is moving away from, chosen with <c>--Migration:Backend=</c> (default <see cref="Node"/>):
/// the front door's other half is that framework's real app, on that framework's own cookie session.
/// </summary>
internal enum MigrationBackend
{
    /// <summary>Express 3 with connect 2.30.2's cookieSession; .NET reads it with <see cref="CookieSessionFormat.Connect"/>.</summary>
    Node,

    /// <summary>Rails 6.1's CookieStore; .NET reads it with <see cref="CookieSessionFormat.Rails"/>.</summary>
    Rails,

    /// <summary>Flask 2.2's signed cookie session; .NET reads it with <see cref="CookieSessionFormat.Flask"/>.</summary>
    Flask,

    /// <summary>Django 3.2's signed_cookies session backend; .NET reads it with <see cref="CookieSessionFormat.Django"/>.</summary>
    Django,
}
