-- AlterTable
ALTER TABLE "OutboxNotice" ADD COLUMN     "editOfKey" TEXT;
