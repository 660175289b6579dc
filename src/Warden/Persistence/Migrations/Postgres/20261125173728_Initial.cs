using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Warden.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "authentik_core_group",
                columns: table => new
                {
                    group_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    num_pk = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    is_superuser = table.Column<bool>(type: "boolean", nullable: false),
                    attributes = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_core_group", x => x.group_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_core_session",
                columns: table => new
                {
                    session_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    session_data = table.Column<string>(type: "text", nullable: false),
                    expires = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    last_user_agent = table.Column<string>(type: "text", nullable: false),
                    last_used = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_core_session", x => x.session_key);
                });

            migrationBuilder.CreateTable(
                name: "authentik_core_user",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    username = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    path = table.Column<string>(type: "text", nullable: false),
                    attributes = table.Column<string>(type: "text", nullable: false),
                    password = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    password_change_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_login = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    date_joined = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_updated = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_core_user", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "authentik_enterprise_license",
                columns: table => new
                {
                    license_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    expiry = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    internal_users = table.Column<long>(type: "bigint", nullable: false),
                    external_users = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_enterprise_license", x => x.license_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_enterprise_licenseusage",
                columns: table => new
                {
                    usage_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    internal_user_count = table.Column<long>(type: "bigint", nullable: false),
                    external_user_count = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    record_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expiring = table.Column<bool>(type: "boolean", nullable: false),
                    expires = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_enterprise_licenseusage", x => x.usage_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_events_event",
                columns: table => new
                {
                    event_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    app = table.Column<string>(type: "text", nullable: false),
                    user = table.Column<string>(type: "text", nullable: false),
                    context = table.Column<string>(type: "text", nullable: false),
                    client_ip = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    created = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    brand = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_events_event", x => x.event_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_flows_flow",
                columns: table => new
                {
                    flow_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    slug = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    title = table.Column<string>(type: "text", nullable: false),
                    designation = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    background = table.Column<string>(type: "text", nullable: false),
                    policy_engine_mode = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    compatibility_mode = table.Column<bool>(type: "boolean", nullable: false),
                    layout = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    denied_action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    authentication = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_flows_flow", x => x.flow_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_install_id",
                columns: table => new
                {
                    singleton = table.Column<int>(type: "integer", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_install_id", x => x.singleton);
                });

            migrationBuilder.CreateTable(
                name: "authentik_rbac_role",
                columns: table => new
                {
                    uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    managed = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_rbac_role", x => x.uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_core_group_parents",
                columns: table => new
                {
                    child_id = table.Column<Guid>(type: "uuid", nullable: false),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_core_group_parents", x => new { x.child_id, x.parent_id });
                    table.ForeignKey(
                        name: "FK_authentik_core_group_parents_authentik_core_group_child_id",
                        column: x => x.child_id,
                        principalTable: "authentik_core_group",
                        principalColumn: "group_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_core_group_parents_authentik_core_group_parent_id",
                        column: x => x.parent_id,
                        principalTable: "authentik_core_group",
                        principalColumn: "group_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_core_authenticatedsession",
                columns: table => new
                {
                    session_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_core_authenticatedsession", x => x.session_id);
                    table.ForeignKey(
                        name: "FK_authentik_core_authenticatedsession_authentik_core_session_~",
                        column: x => x.session_id,
                        principalTable: "authentik_core_session",
                        principalColumn: "session_key",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_core_authenticatedsession_authentik_core_user_use~",
                        column: x => x.user_id,
                        principalTable: "authentik_core_user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_core_token",
                columns: table => new
                {
                    token_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    identifier = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    key = table.Column<string>(type: "text", nullable: false),
                    intent = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    user_id = table.Column<int>(type: "integer", nullable: false),
                    description = table.Column<string>(type: "text", nullable: false),
                    expiring = table.Column<bool>(type: "boolean", nullable: false),
                    expires = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    managed = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_core_token", x => x.token_uuid);
                    table.ForeignKey(
                        name: "FK_authentik_core_token_authentik_core_user_user_id",
                        column: x => x.user_id,
                        principalTable: "authentik_core_user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_core_user_groups",
                columns: table => new
                {
                    group_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_core_user_groups", x => new { x.group_id, x.user_id });
                    table.ForeignKey(
                        name: "FK_authentik_core_user_groups_authentik_core_group_group_id",
                        column: x => x.group_id,
                        principalTable: "authentik_core_group",
                        principalColumn: "group_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_core_user_groups_authentik_core_user_user_id",
                        column: x => x.user_id,
                        principalTable: "authentik_core_user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_brands_brand",
                columns: table => new
                {
                    brand_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    domain = table.Column<string>(type: "text", nullable: false),
                    @default = table.Column<bool>(name: "default", type: "boolean", nullable: false),
                    branding_title = table.Column<string>(type: "text", nullable: false),
                    branding_logo = table.Column<string>(type: "text", nullable: false),
                    branding_favicon = table.Column<string>(type: "text", nullable: false),
                    branding_custom_css = table.Column<string>(type: "text", nullable: false),
                    branding_default_flow_background = table.Column<string>(type: "text", nullable: false),
                    branding_map_tiles = table.Column<string>(type: "text", nullable: false),
                    flow_authentication_id = table.Column<Guid>(type: "uuid", nullable: true),
                    flow_invalidation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    flow_recovery_id = table.Column<Guid>(type: "uuid", nullable: true),
                    flow_unenrollment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    flow_user_settings_id = table.Column<Guid>(type: "uuid", nullable: true),
                    flow_device_code_id = table.Column<Guid>(type: "uuid", nullable: true),
                    flow_user_switch_id = table.Column<Guid>(type: "uuid", nullable: true),
                    flow_lockdown_id = table.Column<Guid>(type: "uuid", nullable: true),
                    flow_request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    attributes = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_brands_brand", x => x.brand_uuid);
                    table.ForeignKey(
                        name: "FK_authentik_brands_brand_authentik_flows_flow_flow_authentica~",
                        column: x => x.flow_authentication_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_brands_brand_authentik_flows_flow_flow_device_cod~",
                        column: x => x.flow_device_code_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_brands_brand_authentik_flows_flow_flow_invalidati~",
                        column: x => x.flow_invalidation_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_brands_brand_authentik_flows_flow_flow_lockdown_id",
                        column: x => x.flow_lockdown_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_brands_brand_authentik_flows_flow_flow_recovery_id",
                        column: x => x.flow_recovery_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_brands_brand_authentik_flows_flow_flow_request_id",
                        column: x => x.flow_request_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_brands_brand_authentik_flows_flow_flow_unenrollme~",
                        column: x => x.flow_unenrollment_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_brands_brand_authentik_flows_flow_flow_user_setti~",
                        column: x => x.flow_user_settings_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_brands_brand_authentik_flows_flow_flow_user_switc~",
                        column: x => x.flow_user_switch_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "authentik_rbac_role_groups",
                columns: table => new
                {
                    group_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_rbac_role_groups", x => new { x.group_id, x.role_id });
                    table.ForeignKey(
                        name: "FK_authentik_rbac_role_groups_authentik_core_group_group_id",
                        column: x => x.group_id,
                        principalTable: "authentik_core_group",
                        principalColumn: "group_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_rbac_role_groups_authentik_rbac_role_role_id",
                        column: x => x.role_id,
                        principalTable: "authentik_rbac_role",
                        principalColumn: "uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_rbac_role_users",
                columns: table => new
                {
                    role_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_rbac_role_users", x => new { x.role_id, x.user_id });
                    table.ForeignKey(
                        name: "FK_authentik_rbac_role_users_authentik_core_user_user_id",
                        column: x => x.user_id,
                        principalTable: "authentik_core_user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_rbac_role_users_authentik_rbac_role_role_id",
                        column: x => x.role_id,
                        principalTable: "authentik_rbac_role",
                        principalColumn: "uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_rbac_rolepermission",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    role_id = table.Column<Guid>(type: "uuid", nullable: false),
                    permission = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    object_pk = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_rbac_rolepermission", x => x.id);
                    table.ForeignKey(
                        name: "FK_authentik_rbac_rolepermission_authentik_rbac_role_role_id",
                        column: x => x.role_id,
                        principalTable: "authentik_rbac_role",
                        principalColumn: "uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_authentik_brands_brand_flow_authentication_id",
                table: "authentik_brands_brand",
                column: "flow_authentication_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_brands_brand_flow_device_code_id",
                table: "authentik_brands_brand",
                column: "flow_device_code_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_brands_brand_flow_invalidation_id",
                table: "authentik_brands_brand",
                column: "flow_invalidation_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_brands_brand_flow_lockdown_id",
                table: "authentik_brands_brand",
                column: "flow_lockdown_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_brands_brand_flow_recovery_id",
                table: "authentik_brands_brand",
                column: "flow_recovery_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_brands_brand_flow_request_id",
                table: "authentik_brands_brand",
                column: "flow_request_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_brands_brand_flow_unenrollment_id",
                table: "authentik_brands_brand",
                column: "flow_unenrollment_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_brands_brand_flow_user_settings_id",
                table: "authentik_brands_brand",
                column: "flow_user_settings_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_brands_brand_flow_user_switch_id",
                table: "authentik_brands_brand",
                column: "flow_user_switch_id");

            migrationBuilder.CreateIndex(
                name: "ix_authenticatedsession_user",
                table: "authentik_core_authenticatedsession",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_authenticatedsession_uuid",
                table: "authentik_core_authenticatedsession",
                column: "uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_group_name",
                table: "authentik_core_group",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_authentik_core_group_parents_parent_id",
                table: "authentik_core_group_parents",
                column: "parent_id");

            migrationBuilder.CreateIndex(
                name: "ix_session_expires",
                table: "authentik_core_session",
                column: "expires");

            migrationBuilder.CreateIndex(
                name: "ix_token_identifier",
                table: "authentik_core_token",
                column: "identifier",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_token_key",
                table: "authentik_core_token",
                column: "key");

            migrationBuilder.CreateIndex(
                name: "ix_token_managed",
                table: "authentik_core_token",
                column: "managed",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_token_user",
                table: "authentik_core_token",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_username",
                table: "authentik_core_user",
                column: "username",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_user_uuid",
                table: "authentik_core_user",
                column: "uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_authentik_core_user_groups_user_id",
                table: "authentik_core_user_groups",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_license_name",
                table: "authentik_enterprise_license",
                column: "name");

            migrationBuilder.CreateIndex(
                name: "ix_licenseusage_expires",
                table: "authentik_enterprise_licenseusage",
                column: "expires");

            migrationBuilder.CreateIndex(
                name: "ix_licenseusage_record_date",
                table: "authentik_enterprise_licenseusage",
                column: "record_date");

            migrationBuilder.CreateIndex(
                name: "ix_licenseusage_status_record_date",
                table: "authentik_enterprise_licenseusage",
                columns: new[] { "status", "record_date" });

            migrationBuilder.CreateIndex(
                name: "ix_event_action",
                table: "authentik_events_event",
                column: "action");

            migrationBuilder.CreateIndex(
                name: "ix_event_created",
                table: "authentik_events_event",
                column: "created");

            migrationBuilder.CreateIndex(
                name: "ix_flow_slug",
                table: "authentik_flows_flow",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_role_managed",
                table: "authentik_rbac_role",
                column: "managed",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_role_name",
                table: "authentik_rbac_role",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_authentik_rbac_role_groups_role_id",
                table: "authentik_rbac_role_groups",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_rbac_role_users_user_id",
                table: "authentik_rbac_role_users",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_rolepermission_lookup",
                table: "authentik_rbac_rolepermission",
                columns: new[] { "permission", "object_pk" });

            migrationBuilder.CreateIndex(
                name: "ix_rolepermission_unique",
                table: "authentik_rbac_rolepermission",
                columns: new[] { "role_id", "permission", "object_pk" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "authentik_brands_brand");

            migrationBuilder.DropTable(
                name: "authentik_core_authenticatedsession");

            migrationBuilder.DropTable(
                name: "authentik_core_group_parents");

            migrationBuilder.DropTable(
                name: "authentik_core_token");

            migrationBuilder.DropTable(
                name: "authentik_core_user_groups");

            migrationBuilder.DropTable(
                name: "authentik_enterprise_license");

            migrationBuilder.DropTable(
                name: "authentik_enterprise_licenseusage");

            migrationBuilder.DropTable(
                name: "authentik_events_event");

            migrationBuilder.DropTable(
                name: "authentik_install_id");

            migrationBuilder.DropTable(
                name: "authentik_rbac_role_groups");

            migrationBuilder.DropTable(
                name: "authentik_rbac_role_users");

            migrationBuilder.DropTable(
                name: "authentik_rbac_rolepermission");

            migrationBuilder.DropTable(
                name: "authentik_flows_flow");

            migrationBuilder.DropTable(
                name: "authentik_core_session");

            migrationBuilder.DropTable(
                name: "authentik_core_group");

            migrationBuilder.DropTable(
                name: "authentik_core_user");

            migrationBuilder.DropTable(
                name: "authentik_rbac_role");
        }
    }
}
