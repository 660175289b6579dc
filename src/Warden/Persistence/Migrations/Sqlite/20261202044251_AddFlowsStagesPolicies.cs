using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Warden.Persistence.Migrations.Sqlite
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
                    stage_uuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_flows_stage", x => x.stage_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_policies_policy",
                columns: table => new
                {
                    policy_uuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    execution_logging = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_policies_policy", x => x.policy_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_prompt_prompt",
                columns: table => new
                {
                    prompt_uuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    field_key = table.Column<string>(type: "TEXT", nullable: false),
                    label = table.Column<string>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    required = table.Column<bool>(type: "INTEGER", nullable: false),
                    placeholder = table.Column<string>(type: "TEXT", nullable: false),
                    initial_value = table.Column<string>(type: "TEXT", nullable: false),
                    order = table.Column<int>(type: "INTEGER", nullable: false),
                    sub_text = table.Column<string>(type: "TEXT", nullable: false),
                    placeholder_expression = table.Column<bool>(type: "INTEGER", nullable: false),
                    initial_value_expression = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_prompt_prompt", x => x.prompt_uuid);
                });

            migrationBuilder.CreateTable(
                name: "authentik_flows_flowstagebinding",
                columns: table => new
                {
                    fsb_uuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    target_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    stage_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    evaluate_on_plan = table.Column<bool>(type: "INTEGER", nullable: false),
                    re_evaluate_policies = table.Column<bool>(type: "INTEGER", nullable: false),
                    order = table.Column<int>(type: "INTEGER", nullable: false),
                    policy_engine_mode = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    invalid_response_action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_flows_flowstagebinding", x => x.fsb_uuid);
                    table.ForeignKey(
                        name: "FK_authentik_flows_flowstagebinding_authentik_flows_flow_target_id",
                        column: x => x.target_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_flows_flowstagebinding_authentik_flows_stage_stage_id",
                        column: x => x.stage_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_account_lockdown_accountlockdownstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    deactivate_user = table.Column<bool>(type: "INTEGER", nullable: false),
                    set_unusable_password = table.Column<bool>(type: "INTEGER", nullable: false),
                    delete_sessions = table.Column<bool>(type: "INTEGER", nullable: false),
                    revoke_tokens = table.Column<bool>(type: "INTEGER", nullable: false),
                    self_service_completion_flow_id = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_account_lockdown_accountlockdownstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_account_lockdown_accountlockdownstage_authentik_flows_flow_self_service_completion_flow_id",
                        column: x => x.self_service_completion_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_stages_account_lockdown_accountlockdownstage_authentik_flows_stage_stage_ptr_id",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_deny_denystage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    deny_message = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_deny_denystage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_deny_denystage_authentik_flows_stage_stage_ptr_id",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_password_passwordstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    backends = table.Column<string>(type: "TEXT", nullable: false),
                    configure_flow_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    failed_attempts_before_cancel = table.Column<int>(type: "INTEGER", nullable: false),
                    allow_show_password = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_password_passwordstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_password_passwordstage_authentik_flows_flow_configure_flow_id",
                        column: x => x.configure_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_stages_password_passwordstage_authentik_flows_stage_stage_ptr_id",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_prompt_promptstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_prompt_promptstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_prompt_promptstage_authentik_flows_stage_stage_ptr_id",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_user_login_userloginstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    session_duration = table.Column<string>(type: "TEXT", nullable: false),
                    terminate_other_sessions = table.Column<bool>(type: "INTEGER", nullable: false),
                    remember_me_offset = table.Column<string>(type: "TEXT", nullable: false),
                    network_binding = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    geoip_binding = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    remember_device = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_user_login_userloginstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_user_login_userloginstage_authentik_flows_stage_stage_ptr_id",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_user_logout_userlogoutstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_user_logout_userlogoutstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_user_logout_userlogoutstage_authentik_flows_stage_stage_ptr_id",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_policies_pending_user_pendinguserisnotrequestuserpolicy",
                columns: table => new
                {
                    policy_ptr_id = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_policies_pending_user_pendinguserisnotrequestuserpolicy", x => x.policy_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_policies_pending_user_pendinguserisnotrequestuserpolicy_authentik_policies_policy_policy_ptr_id",
                        column: x => x.policy_ptr_id,
                        principalTable: "authentik_policies_policy",
                        principalColumn: "policy_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_policies_policybinding",
                columns: table => new
                {
                    policy_binding_uuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    policy_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    group_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    user_id = table.Column<int>(type: "INTEGER", nullable: true),
                    target_flow_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    target_binding_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    negate = table.Column<bool>(type: "INTEGER", nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    order = table.Column<int>(type: "INTEGER", nullable: false),
                    timeout = table.Column<int>(type: "INTEGER", nullable: false),
                    failure_result = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_policies_policybinding", x => x.policy_binding_uuid);
                    table.ForeignKey(
                        name: "FK_authentik_policies_policybinding_authentik_core_group_group_id",
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
                        name: "FK_authentik_policies_policybinding_authentik_flows_flow_target_flow_id",
                        column: x => x.target_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_policies_policybinding_authentik_flows_flowstagebinding_target_binding_id",
                        column: x => x.target_binding_id,
                        principalTable: "authentik_flows_flowstagebinding",
                        principalColumn: "fsb_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_policies_policybinding_authentik_policies_policy_policy_id",
                        column: x => x.policy_id,
                        principalTable: "authentik_policies_policy",
                        principalColumn: "policy_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_identification_identificationstage",
                columns: table => new
                {
                    stage_ptr_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    user_fields = table.Column<string>(type: "TEXT", nullable: false),
                    password_stage_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    case_insensitive_matching = table.Column<bool>(type: "INTEGER", nullable: false),
                    show_matched_user = table.Column<bool>(type: "INTEGER", nullable: false),
                    enrollment_flow_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    recovery_flow_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    passwordless_flow_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    show_source_labels = table.Column<bool>(type: "INTEGER", nullable: false),
                    pretend_user_exists = table.Column<bool>(type: "INTEGER", nullable: false),
                    enable_remember_me = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_identification_identificationstage", x => x.stage_ptr_id);
                    table.ForeignKey(
                        name: "FK_authentik_stages_identification_identificationstage_authentik_flows_flow_enrollment_flow_id",
                        column: x => x.enrollment_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_stages_identification_identificationstage_authentik_flows_flow_passwordless_flow_id",
                        column: x => x.passwordless_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_stages_identification_identificationstage_authentik_flows_flow_recovery_flow_id",
                        column: x => x.recovery_flow_id,
                        principalTable: "authentik_flows_flow",
                        principalColumn: "flow_uuid",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_authentik_stages_identification_identificationstage_authentik_flows_stage_stage_ptr_id",
                        column: x => x.stage_ptr_id,
                        principalTable: "authentik_flows_stage",
                        principalColumn: "stage_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_stages_identification_identificationstage_authentik_stages_password_passwordstage_password_stage_id",
                        column: x => x.password_stage_id,
                        principalTable: "authentik_stages_password_passwordstage",
                        principalColumn: "stage_ptr_id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_prompt_promptstage_fields",
                columns: table => new
                {
                    prompt_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    promptstage_id = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_prompt_promptstage_fields", x => new { x.prompt_id, x.promptstage_id });
                    table.ForeignKey(
                        name: "FK_authentik_stages_prompt_promptstage_fields_authentik_stages_prompt_prompt_prompt_id",
                        column: x => x.prompt_id,
                        principalTable: "authentik_stages_prompt_prompt",
                        principalColumn: "prompt_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_stages_prompt_promptstage_fields_authentik_stages_prompt_promptstage_promptstage_id",
                        column: x => x.promptstage_id,
                        principalTable: "authentik_stages_prompt_promptstage",
                        principalColumn: "stage_ptr_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "authentik_stages_prompt_promptstage_validation_policies",
                columns: table => new
                {
                    policy_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    promptstage_id = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authentik_stages_prompt_promptstage_validation_policies", x => new { x.policy_id, x.promptstage_id });
                    table.ForeignKey(
                        name: "FK_authentik_stages_prompt_promptstage_validation_policies_authentik_policies_policy_policy_id",
                        column: x => x.policy_id,
                        principalTable: "authentik_policies_policy",
                        principalColumn: "policy_uuid",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_authentik_stages_prompt_promptstage_validation_policies_authentik_stages_prompt_promptstage_promptstage_id",
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
                name: "IX_authentik_stages_account_lockdown_accountlockdownstage_self_service_completion_flow_id",
                table: "authentik_stages_account_lockdown_accountlockdownstage",
                column: "self_service_completion_flow_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_identification_identificationstage_enrollment_flow_id",
                table: "authentik_stages_identification_identificationstage",
                column: "enrollment_flow_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_identification_identificationstage_password_stage_id",
                table: "authentik_stages_identification_identificationstage",
                column: "password_stage_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_identification_identificationstage_passwordless_flow_id",
                table: "authentik_stages_identification_identificationstage",
                column: "passwordless_flow_id");

            migrationBuilder.CreateIndex(
                name: "IX_authentik_stages_identification_identificationstage_recovery_flow_id",
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
                name: "IX_authentik_stages_prompt_promptstage_validation_policies_promptstage_id",
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
