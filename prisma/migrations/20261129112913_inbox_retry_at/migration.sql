-- AlterTable
ALTER TABLE "InboxEvent" ADD COLUMN     "retryAt" TIMESTAMP(3);
