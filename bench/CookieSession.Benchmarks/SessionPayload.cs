namespace CookieSession.Benchmarks;

/// <summary>One realistic session: a user id, a name, a few roles, a counter and a CSRF token (about 200 bytes of JSON).</summary>
internal static class SessionPayload
{
    public const string Secret = "a benchmark secret that is 32+ bytes long";

    public const string Json =
        "{\"userId\":\"7f1c2a9e-4b3d-4c8e-9a61-0d5e2f7b8c34\",\"name\":\"Ada Lovelace\",\"roles\":[\"admin\",\"editor\",\"viewer\"],\"counter\":41,\"csrf\":\"kW3p9sQ2vX7yZ1aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT\"}";
}
