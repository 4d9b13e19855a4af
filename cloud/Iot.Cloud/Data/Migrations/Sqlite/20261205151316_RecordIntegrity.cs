using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Iot.Cloud.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RecordIntegrity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RecoveredAt",
                table: "work_orders",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VerifiedVia",
                table: "work_orders",
                type: "TEXT",
                nullable: true);

            // The audit log is append-only: the database refuses to change or remove an entry, whatever the code does.
            migrationBuilder.Sql("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER audit_log_no_update;");
            migrationBuilder.Sql("DROP TRIGGER audit_log_no_delete;");

            migrationBuilder.DropColumn(
                name: "RecoveredAt",
                table: "work_orders");

            migrationBuilder.DropColumn(
                name: "VerifiedVia",
                table: "work_orders");
        }
    }
}
