-- AlterEnum
ALTER TYPE "ReminderState" ADD VALUE 'failed';
