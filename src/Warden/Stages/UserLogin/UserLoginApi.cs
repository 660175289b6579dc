using Warden.Api;
using Warden.Core;
using Warden.Flows;

namespace Warden.Stages.UserLogin;

/// <summary>authentik's user login stage viewset, <c>/api/v3/stages/user_login/</c>.</summary>
public static class UserLoginApi
{
    private static readonly string[] NetworkBindings = ["no_binding", "bind_asn", "bind_asn_network", "bind_asn_network_ip"];
    private static readonly string[] GeoipBindings = ["no_binding", "bind_continent", "bind_continent_country", "bind_continent_country_city"];

    [ApiSchema("UserLoginStage", Description = "UserLoginStage Serializer")]
    public sealed record UserLoginStageResponse(
        Guid Pk, string Name, string Component, string VerboseName, string VerboseNamePlural, string MetaModelName,
        IReadOnlyList<FlowSet> FlowSet,
        string SessionDuration, bool TerminateOtherSessions, string RememberMeOffset, string NetworkBinding, string GeoipBinding,
        string RememberDevice);

    [ApiSchema("UserLoginStageRequest", Description = "UserLoginStage Serializer")]
    public sealed record UserLoginStageRequest(
        [ApiField(MinLength = 1, Indexed = true)] string Name,
        [ApiField(MinLength = 1, Description = "Determines how long a session lasts. Default of 0 means that the sessions lasts until the browser is closed. (Format: hours=-1;minutes=-2;seconds=-3)")] string SessionDuration = "seconds=0",
        bool TerminateOtherSessions = false,
        [ApiField(MinLength = 1, Description = "Offset the session will be extended by when the user picks the remember me option. Default of 0 means that the remember me option will not be shown. (Format: hours=-1;minutes=-2;seconds=-3)")] string RememberMeOffset = "seconds=0",
        [ApiField(Choices = ["no_binding", "bind_asn", "bind_asn_network", "bind_asn_network_ip"], EnumName = "NetworkBindingEnum")] string NetworkBinding = "no_binding",
        [ApiField(Choices = ["no_binding", "bind_continent", "bind_continent_country", "bind_continent_country_city"], EnumName = "GeoipBindingEnum")] string GeoipBinding = "no_binding",
        [ApiField(MinLength = 1)] string RememberDevice = "days=30") : IStageRequest;

    public static IEndpointRouteBuilder MapUserLoginStageApi(this IEndpointRouteBuilder app)
    {
        new StageApi<UserLoginStage, UserLoginStageRequest, UserLoginStageResponse>
        {
            Route = "user_login",
            OperationPrefix = "stages_user_login",
            ModelName = "UserLoginStage",
            Filters = q => q
                .Filter(new QueryParameter("geoip_binding", QueryType.String, null, "GeoipBindingEnum", GeoipBindings), (s, v) =>
                    GeoipBindings.Contains(v[0]) ? s.Where(x => x.GeoipBinding == v[0]) : null)
                .Filter(new QueryParameter("network_binding", QueryType.String, null, "NetworkBindingEnum", NetworkBindings), (s, v) =>
                    NetworkBindings.Contains(v[0]) ? s.Where(x => x.NetworkBinding == v[0]) : null)
                .Filter("remember_device", s => s.RememberDevice)
                .Filter("remember_me_offset", s => s.RememberMeOffset)
                .Filter("session_duration", s => s.SessionDuration)
                .Filter("terminate_other_sessions", s => s.TerminateOtherSessions)
                .Order("session_duration", s => s.SessionDuration)
                .Order("terminate_other_sessions", s => s.TerminateOtherSessions)
                .Order("remember_me_offset", s => s.RememberMeOffset),
            ToResponse = (s, c) => new(c.Pk, c.Name, c.Component, c.VerboseName, c.VerboseNamePlural, c.MetaModelName, c.FlowSet,
                s.SessionDuration, s.TerminateOtherSessions, s.RememberMeOffset, s.NetworkBinding, s.GeoipBinding, s.RememberDevice),
            ValidateFields = (write, errors, _) =>
            {
                TimeDelta(write.Has("session_duration"), "session_duration", write.Request.SessionDuration, errors);
                TimeDelta(write.Has("remember_me_offset"), "remember_me_offset", write.Request.RememberMeOffset, errors);
                TimeDelta(write.Has("remember_device"), "remember_device", write.Request.RememberDevice, errors);
                return Task.CompletedTask;
            },
            Apply = (write, stage, _) =>
            {
                var r = write.Request;
                if (write.Has("session_duration")) stage.SessionDuration = r.SessionDuration;
                if (write.Has("terminate_other_sessions")) stage.TerminateOtherSessions = r.TerminateOtherSessions;
                if (write.Has("remember_me_offset")) stage.RememberMeOffset = r.RememberMeOffset;
                if (write.Has("network_binding")) stage.NetworkBinding = r.NetworkBinding;
                if (write.Has("geoip_binding")) stage.GeoipBinding = r.GeoipBinding;
                if (write.Has("remember_device")) stage.RememberDevice = r.RememberDevice;
                return Task.CompletedTask;
            },
        }.Map(app);
        return app;
    }

    /// <summary>authentik's <c>timedelta_string_validator</c>.</summary>
    private static void TimeDelta(bool present, string field, string value, ValidationErrors errors)
    {
        if (present && PythonFormat.TimeDelta(value) is null)
        {
            errors.Add(field, $"{value} is not in the correct format of 'hours=3;minutes=1'.");
        }
    }
}
