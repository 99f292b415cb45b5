using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace CookieSession.Tests.AppModels;

/// <summary>An MVC exception filter that handles the action's exception with a 200 page of its own.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnswerExceptionsFilterAttribute : ExceptionFilterAttribute
{
    public const string Body = "handled";

    public override void OnException(ExceptionContext context)
    {
        context.ExceptionHandled = true;
        context.Result = new ContentResult { Content = Body };
    }
}
