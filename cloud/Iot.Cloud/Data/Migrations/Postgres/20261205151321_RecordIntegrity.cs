using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RecordIntegrity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RecoveredAt",
                table: "work_orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VerifiedVia",
                table: "work_orders",
                type: "text",
                nullable: true);

            // The audit log is append-only: the database refuses to change, remove or empty it, whatever the code does.
            migrationBuilder.Sql("CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;");
            migrationBuilder.Sql("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();");
            migrationBuilder.Sql("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER audit_log_no_truncate ON audit_log;");
            migrationBuilder.Sql("DROP TRIGGER audit_log_no_change ON audit_log;");
            migrationBuilder.Sql("DROP FUNCTION audit_log_append_only();");

            migrationBuilder.DropColumn(
                name: "RecoveredAt",
                table: "work_orders");

            migrationBuilder.DropColumn(
                name: "VerifiedVia",
                table: "work_orders");
        }
    }
}
