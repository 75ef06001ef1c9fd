-- AlterTable
ALTER TABLE "OutboxNotice" ADD COLUMN     "partsSent" INTEGER NOT NULL DEFAULT 0;
