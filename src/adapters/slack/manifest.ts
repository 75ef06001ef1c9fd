/**
 * The Slack app manifest for an installation: the bot's scopes, the `/yishi` slash command, interactivity and the
 * events yishi listens to. With a `publicUrl` each points at yishi's request URLs (Slack's requests over HTTPS); with
 * none, Socket Mode is on and there are no URLs (yishi opens the connection with SLACK_APP_TOKEN, so it needs no
 * public address). Pasted into "Create an app → From a manifest" at api.slack.com, it sets the app up in one step.
 */
export function slackManifest(
  publicUrl: string | null,
  texts: { description: string; command: string },
  name = 'yishi',
): Record<string, unknown> {
  const base = publicUrl?.replace(/\/+$/, '');
  const at = (path: string) => (base ? { url: `${base}${path}` } : {});
  const requestUrl = (path: string) => (base ? { request_url: `${base}${path}` } : {});
  return {
    display_information: { name, description: texts.description },
    features: {
      bot_user: { display_name: name, always_online: true },
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      slash_commands: [
        {
          command: '/yishi',
          ...at('/slack/commands'),
          description: texts.command,
          usage_hint: 'help',
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: ['chat:write', 'commands', 'channels:read', 'groups:read', 'im:read', 'im:write', 'users:read'] } },
    settings: {
      event_subscriptions: {
        ...requestUrl('/slack/events'),
        bot_events: ['member_joined_channel', 'channel_left', 'group_left', 'app_home_opened'],
      },
      interactivity: { is_enabled: true, ...requestUrl('/slack/interactions') },
      org_deploy_enabled: false,
      socket_mode_enabled: base === undefined,
      token_rotation_enabled: false,
    },
  };
}
