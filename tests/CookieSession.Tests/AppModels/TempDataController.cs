using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CookieSession.Tests.AppModels;

/// <summary>
/// Actions that set and read TempData (kept in the session by <c>AddSessionStateTempDataProvider</c>) in each of
/// the ways MVC saves it: before a redirect, while a result writes the body, from an exception filter's result.
/// </summary>
[Route("tempdata")]
public sealed class TempDataController : Controller
{
    public const string Key = "message";
    public const string UserKey = "user";

    [HttpGet("set")]
    public IActionResult Set(string value)
    {
        TempData[Key] = value;
        return Content("set");
    }

    /// <summary>The TempData value, or 204 when there is none.</summary>
    [HttpGet("get")]
    public IActionResult Get() => TempData[Key] is string value ? Content(value) : NoContent();

    [HttpGet("peek")]
    public IActionResult Peek() => Content(TempData.Peek(Key) as string ?? string.Empty);

    [HttpGet("read-and-keep")]
    public IActionResult ReadAndKeep()
    {
        var value = TempData[Key] as string;
        TempData.Keep(Key);
        return Content(value ?? string.Empty);
    }

    [HttpGet("read-and-redirect")]
    public IActionResult ReadAndRedirect()
    {
        _ = TempData[Key];
        return RedirectToAction(nameof(Get));
    }

    /// <summary>Reads TempData and answers with no body.</summary>
    [HttpGet("read-empty")]
    public IActionResult ReadEmpty()
    {
        _ = TempData[Key];
        return Ok();
    }

    /// <summary>Touches neither TempData nor the session.</summary>
    [HttpGet("untouched")]
    public IActionResult Untouched() => Content("untouched");

    [HttpGet("set-then-throw")]
    public IActionResult SetThenThrow(string value)
    {
        TempData[Key] = value;
        throw new InvalidOperationException("The action failed.");
    }

    [AnswerExceptionsFilter]
    [HttpGet("set-then-throw-handled")]
    public IActionResult SetThenThrowHandled(string value)
    {
        TempData[Key] = value;
        throw new InvalidOperationException("The action failed.");
    }

    /// <summary>Writes the body itself: the response starts inside the action, after TempData was set.</summary>
    [HttpGet("set-then-write")]
    public async Task SetThenWrite(string value)
    {
        TempData[Key] = value;
        await Response.WriteAsync("written");
    }

    [HttpGet("set-then-file")]
    public IActionResult SetThenFile(string value)
    {
        TempData[Key] = value;
        return File(Encoding.UTF8.GetBytes("file"), "text/plain");
    }

    [HttpGet("set-with-user")]
    public IActionResult SetWithUser(string value, string user)
    {
        HttpContext.Session.SetString(UserKey, user);
        TempData[Key] = value;
        return Content("set");
    }

    [HttpGet("user")]
    public IActionResult CurrentUser() => Content(HttpContext.Session.GetString(UserKey) ?? string.Empty);

    /// <summary>One value of every kind TempData can serialize, then a redirect to <see cref="Describe"/>.</summary>
    [HttpGet("set-every-type")]
    public IActionResult SetEveryType()
    {
        TempData["string"] = "text";
        TempData["int"] = 42;
        TempData["bool"] = true;
        TempData["dateTime"] = new DateTime(2010, 10, 10, 8, 30, 0, DateTimeKind.Utc);
        TempData["guid"] = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e");
        TempData["enum"] = DayOfWeek.Friday;
        TempData["strings"] = new[] { "a", "b" };
        TempData["ints"] = new[] { 1, 2, 3 };
        TempData["dictionary"] = new Dictionary<string, string> { ["k"] = "v" };
        return RedirectToAction(nameof(Describe));
    }

    /// <summary>Each TempData entry as "key=Type:value", sorted by key, one a line.</summary>
    [HttpGet("describe")]
    public IActionResult Describe()
        => Content(string.Join('\n', TempData.Keys.Order(StringComparer.Ordinal).Select(key => $"{key}={Describe(TempData[key])}")));

    private static string Describe(object? value) => value switch
    {
        null => "null",
        DateTime time => "DateTime:" + time.ToString("O", CultureInfo.InvariantCulture),
        IDictionary<string, string> pairs => value.GetType().Name + ":" + string.Join(',', pairs.Select(p => p.Key + "=" + p.Value)),
        System.Collections.IEnumerable items and not string => value.GetType().Name + ":" + string.Join(',', items.Cast<object>()),
        _ => value.GetType().Name + ":" + Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
