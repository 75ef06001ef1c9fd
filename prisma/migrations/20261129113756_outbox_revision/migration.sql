-- AlterTable
ALTER TABLE "OutboxNotice" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0;
