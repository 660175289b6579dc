using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Warden.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddFlowsStagesPolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "authentik_flows_stage",
                columns: table => new
                {
                    stage_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_flows_stage", x => x.stage_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_policies_policy",
                columns: table => new
                {
                    policy_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    execution_logging = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_policies_policy", x => x.policy_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_prompt_prompt",
                columns: table => new
                {
                    prompt_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    field_key = table.Column<string>(type: "text", nullable: false),
                    label = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    required = table.Column<bool>(type: "boolean", nullable: false),
                    placeholder = table.Column<string>(type: "text", nullable: false),
                    initial_value = table.Column<string>(type: "text", nullable: false),
                    order = table.Column<int>(type: "integer", nullable: false),
                    sub_text = table.Column<string>(type: "text", nullable: false),
                    placeholder_expression = table.Column<bool>(type: "boolean", nullable: false),
                    initial_value_expression = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_prompt_prompt", x => x.prompt_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_flows_flowstagebinding",
                columns: table => new
                {
                    fsb_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    target_id = table.Column<Guid>(type: "uuid", nullable: false),
                    stage_id = table.Column<Guid>(type: "uuid", nullable: false),
                    evaluate_on_plan = table.Column<bool>(type: "boolean", nullable: false),
                    re_evaluate_policies = table.Column<bool>(type: "boolean", nullable: false),
                    order = table.Column<int>(type: "integer", nullable: false),
                    policy_engine_mode = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    invalid_response_action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_flows_flowstagebinding", x => x.fsb_uuid);
                    table.ForeignKey(
                        name: "FK_authentik_flows_flowstagebinding_authentik_flows_flow_targe~",
                        column: x => x.target_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_flows_flowstagebinding_authentik_flows_stage_stag~",
                        column: x => x.stage_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_account_lockdown_accountlockdownstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "uuid", nullable: false),
                    deactivate_user = table.Column<bool>(type: "boolean", nullable: false),
                    set_unusable_password = table.Column<bool>(type: "boolean", nullable: false),
                    delete_sessions = table.Column<bool>(type: "boolean", nullable: false),
                    revoke_tokens = table.Column<bool>(type: "boolean", nullable: false),
                    self_service_completion_flow_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_account_lockdown_accountlockdownstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_account_lockdown_accountlockdownstage_auth~",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_stages_account_lockdown_accountlockdownstage_aut~1",
                        column: x => x.self_service_completion_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_deny_denystage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "uuid", nullable: false),
                    deny_message = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_deny_denystage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_deny_denystage_authentik_flows_stage_stage~",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_password_passwordstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "uuid", nullable: false),
                    backends = table.Column<string>(type: "text", nullable: false),
                    configure_flow_id = table.Column<Guid>(type: "uuid", nullable: true),
                    failed_attempts_before_cancel = table.Column<int>(type: "integer", nullable: false),
                    allow_show_password = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_password_passwordstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_password_passwordstage_authentik_flows_flo~",
                        column: x => x.configure_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_stages_password_passwordstage_authentik_flows_sta~",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_prompt_promptstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_prompt_promptstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_prompt_promptstage_authentik_flows_stage_s~",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_user_login_userloginstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "uuid", nullable: false),
                    session_duration = table.Column<string>(type: "text", nullable: false),
                    terminate_other_sessions = table.Column<bool>(type: "boolean", nullable: false),
                    remember_me_offset = table.Column<string>(type: "text", nullable: false),
                    network_binding = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    geoip_binding = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    remember_device = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_user_login_userloginstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_user_login_userloginstage_authentik_flows_~",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_user_logout_userlogoutstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_user_logout_userlogoutstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_user_logout_userlogoutstage_authentik_flow~",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_policies_pending_user_pendinguserisnotrequestuserpolicy",
                columns: table => new
                {
                    policy_ptr_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_policies_pending_user_pendinguserisnotrequestuser~", x => x.policy_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_policies_pending_user_pendinguserisnotrequestuser~",
                        column: x => x.policy_ptr_id,
                        principalTable: "authentik_policies_policy",
                        principalColumn: "policy_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_policies_policybinding",
                columns: table => new
                {
                    policy_binding_uuid = table.Column<Guid>(type: "uuid", nullable: false),
                    policy_id = table.Column<Guid>(type: "uuid", nullable: true),
                    group_id = table.Column<Guid>(type: "uuid", nullable: true),
                    user_id = table.Column<int>(type: "integer", nullable: true),
                    target_flow_id = table.Column<Guid>(type: "uuid", nullable: true),
                    target_binding_id = table.Column<Guid>(type: "uuid", nullable: true),
                    negate = table.Column<bool>(type: "boolean", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    order = table.Column<int>(type: "integer", nullable: false),
                    timeout = table.Column<int>(type: "integer", nullable: false),
                    failure_result = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_policies_policybinding", x => x.policy_binding_uuid);
                    table.ForeignKey(
                        name: "FK_authentik_policies_policybinding_authentik_core_group_group~",
                        column: x => x.group_id,
                        principalTable: "authentik_core_group",
                        principalColumn: "group_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_policies_policybinding_authentik_core_user_user_id",
                        column: x => x.user_id,
                        principalTable: "authentik_core_user",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_policies_policybinding_authentik_flows_flow_targe~",
                        column: x => x.target_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_policies_policybinding_authentik_flows_flowstageb~",
                        column: x => x.target_binding_id,
                        principalTable: "authentik_flows_flowstagebinding",
                        principalColumn: "fsb_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_policies_policybinding_authentik_policies_policy_~",
                        column: x => x.policy_id,
                        principalTable: "authentik_policies_policy",
                        principalColumn: "policy_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_identification_identificationstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_fields = table.Column<string>(type: "text", nullable: false),
                    password_stage_id = table.Column<Guid>(type: "uuid", nullable: true),
                    case_insensitive_matching = table.Column<bool>(type: "boolean", nullable: false),
                    show_matched_user = table.Column<bool>(type: "boolean", nullable: false),
                    enrollment_flow_id = table.Column<Guid>(type: "uuid", nullable: true),
                    recovery_flow_id = table.Column<Guid>(type: "uuid", nullable: true),
                    passwordless_flow_id = table.Column<Guid>(type: "uuid", nullable: true),
                    show_source_labels = table.Column<bool>(type: "boolean", nullable: false),
                    pretend_user_exists = table.Column<bool>(type: "boolean", nullable: false),
                    enable_remember_me = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_identification_identificationstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_identification_identificationstage_authent~",
                        column: x => x.enrollment_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_stages_identification_identificationstage_authen~1",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_stages_identification_identificationstage_authen~2",
                        column: x => x.password_stage_id,
                        principalTable: "authentik_stages_password_passwordstage",
                        principalColumn: "stage_ptr_id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_stages_identification_identificationstage_authen~3",
                        column: x => x.passwordless_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_stages_identification_identificationstage_authen~4",
                        column: x => x.recovery_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_prompt_promptstage_fields",
                columns: table => new
                {
                    prompt_id = table.Column<Guid>(type: "uuid", nullable: false),
                    promptstage_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_prompt_promptstage_fields", x => new { x.prompt_id, x.promptstage_id });
                    table.ForeignKey(
                        name: "FK_authentik_stages_prompt_promptstage_fields_authentik_stages~",
                        column: x => x.prompt_id,
                        principalTable: "authentik_stages_prompt_prompt",
                        principalColumn: "prompt_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_stages_prompt_promptstage_fields_authentik_stage~1",
                        column: x => x.promptstage_id,
                        principalTable: "authentik_stages_prompt_promptstage",
                        principalColumn: "stage_ptr_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_prompt_promptstage_validation_policies",
                columns: table => new
                {
                    policy_id = table.Column<Guid>(type: "uuid", nullable: false),
                    promptstage_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_prompt_promptstage_validation_policies", x => new { x.policy_id, x.promptstage_id });
                    table.ForeignKey(
                        name: "FK_authentik_stages_prompt_promptstage_validation_policies_aut~",
                        column: x => x.policy_id,
                        principalTable: "authentik_policies_policy",
                        principalColumn: "policy_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_stages_prompt_promptstage_validation_policies_au~1",
                        column: x => x.promptstage_id,
                        principalTable: "authentik_stages_prompt_promptstage",
                        principalColumn: "stage_ptr_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_authentik_flows_flowstagebinding_stage_id",
                table: "authentik_flows_flowstagebinding",
                column: "stage_id");

            migrationBuilder.CreateIndex(
                name: "ix_flowstagebinding_target_stage_order",
                table: "authentik_flows_flowstagebinding",
                columns: new[] { "target_id", "stage_id", "order" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stage_name",
                table: "authentik_flows_stage",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_policy_name",
                table: "authentik_policies_policy",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_authentik_policies_policybinding_group_id",
                table: "authentik_policies_policybinding",
                column: "group_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_policies_policybinding_policy_id",
                table: "authentik_policies_policybinding",
                column: "policy_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_policies_policybinding_user_id",
                table: "authentik_policies_policybinding",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_policybinding_target_binding",
                table: "authentik_policies_policybinding",
                column: "target_binding_id");

            migrationBuilder.CreateIndex(
                name: "ix_policybinding_target_flow",
                table: "authentik_policies_policybinding",
                column: "target_flow_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_account_lockdown_accountlockdownstage_self~",
                table: "authentik_stages_account_lockdown_accountlockdownstage",
                column: "self_service_completion_flow_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_identification_identificationstage_enrollm~",
                table: "authentik_stages_identification_identificationstage",
                column: "enrollment_flow_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_identification_identificationstage_passwor~",
                table: "authentik_stages_identification_identificationstage",
                column: "password_stage_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_identification_identificationstage_passwo~1",
                table: "authentik_stages_identification_identificationstage",
                column: "passwordless_flow_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_identification_identificationstage_recover~",
                table: "authentik_stages_identification_identificationstage",
                column: "recovery_flow_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_password_passwordstage_configure_flow_id",
                table: "authentik_stages_password_passwordstage",
                column: "configure_flow_id");

            migrationBuilder.CreateIndex(
                name: "ix_prompt_name",
                table: "authentik_stages_prompt_prompt",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_prompt_promptstage_fields_promptstage_id",
                table: "authentik_stages_prompt_promptstage_fields",
                column: "promptstage_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_prompt_promptstage_validation_policies_pro~",
                table: "authentik_stages_prompt_promptstage_validation_policies",
                column: "promptstage_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "authentik_policies_pending_user_pendinguserisnotrequestuserpolicy");

            migrationBuilder.DropTable(
                name: "authentik_policies_policybinding");

            migrationBuilder.DropTable(
                name: "authentik_stages_account_lockdown_accountlockdownstage");

            migrationBuilder.DropTable(
                name: "authentik_stages_deny_denystage");

            migrationBuilder.DropTable(
                name: "authentik_stages_identification_identificationstage");

            migrationBuilder.DropTable(
                name: "authentik_stages_prompt_promptstage_fields");

            migrationBuilder.DropTable(
                name: "authentik_stages_prompt_promptstage_validation_policies");

            migrationBuilder.DropTable(
                name: "authentik_stages_user_login_userloginstage");

            migrationBuilder.DropTable(
                name: "authentik_stages_user_logout_userlogoutstage");

            migrationBuilder.DropTable(
                name: "authentik_flows_flowstagebinding");

            migrationBuilder.DropTable(
                name: "authentik_stages_password_passwordstage");

            migrationBuilder.DropTable(
                name: "authentik_stages_prompt_prompt");

            migrationBuilder.DropTable(
                name: "authentik_policies_policy");

            migrationBuilder.DropTable(
                name: "authentik_stages_prompt_promptstage");

            migrationBuilder.DropTable(
                name: "authentik_flows_stage");
        }
    }
}
