using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Warden.Persistence;

namespace Warden.Core;

/// <summary>
/// authentik's <c>authentik_core.Session</c>: the server-side session row behind the
/// <c>authentik_session</c> cookie. Flow plans live in <see cref="Data"/>, so any node can continue them.
/// </summary>
public sealed class Session
{
    public string SessionKey { get; set; } = "";
    public JsonObject Data { get; set; } = [];
    public DateTime Expires { get; set; }
    public string LastIp { get; set; } = "";
    public string LastUserAgent { get; set; } = "";
    public DateTime LastUsed { get; set; }

    public AuthenticatedSession? Authenticated { get; set; }
}

/// <summary>authentik's <c>authentik_core.AuthenticatedSession</c>: a session that belongs to a logged-in user.</summary>
public sealed class AuthenticatedSession
{
    public string SessionKey { get; set; } = "";
    public Session Session { get; set; } = null!;
    public Guid Uuid { get; set; } = Guid.NewGuid();
    public int UserId { get; set; }
    public User User { get; set; } = null!;
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> b)
    {
        b.ToTable("authentik_core_session");
        b.HasKey(s => s.SessionKey);
        b.Property(s => s.SessionKey).HasColumnName("session_key").HasMaxLength(64);
        b.Property(s => s.Data).HasColumnName("session_data").IsJsonObject();
        b.Property(s => s.Expires).HasColumnName("expires");
        b.HasIndex(s => s.Expires).HasDatabaseName("ix_session_expires");
        b.Property(s => s.LastIp).HasColumnName("last_ip").HasMaxLength(64).IsRequired();
        b.Property(s => s.LastUserAgent).HasColumnName("last_user_agent").IsRequired();
        b.Property(s => s.LastUsed).HasColumnName("last_used");
        b.HasOne(s => s.Authenticated).WithOne(a => a.Session)
            .HasForeignKey<AuthenticatedSession>(a => a.SessionKey).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuthenticatedSessionConfiguration : IEntityTypeConfiguration<AuthenticatedSession>
{
    public void Configure(EntityTypeBuilder<AuthenticatedSession> b)
    {
        b.ToTable("authentik_core_authenticatedsession");
        b.HasKey(a => a.SessionKey);
        b.Property(a => a.SessionKey).HasColumnName("session_id").HasMaxLength(64);
        b.Property(a => a.Uuid).HasColumnName("uuid");
        b.HasIndex(a => a.Uuid).IsUnique().HasDatabaseName("ix_authenticatedsession_uuid");
        b.Property(a => a.UserId).HasColumnName("user_id");
        b.HasOne(a => a.User).WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.UserId).HasDatabaseName("ix_authenticatedsession_user");
    }
}
