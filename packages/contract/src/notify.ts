// 通知与提醒: the notification centre, reminders in the working-day calendar, e-mail and group-robot channels, holiday adjustments.
export {};
