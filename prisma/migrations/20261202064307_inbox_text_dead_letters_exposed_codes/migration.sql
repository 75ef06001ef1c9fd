-- AlterEnum
ALTER TYPE "InboxState" ADD VALUE 'dead';

-- AlterTable
ALTER TABLE "InboxEvent" ALTER COLUMN "payload" SET DATA TYPE TEXT;

-- AlterTable
ALTER TABLE "OneTimeCode" ADD COLUMN     "exposedAt" TIMESTAMP(3);
