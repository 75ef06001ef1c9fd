/**
 * The Slack app manifest for an installation reachable at `publicUrl`: the bot's scopes, the `/yishi` slash command,
 * interactivity and the events yishi listens to, each pointing at yishi's request URLs. Pasted into "Create an app
 * → From a manifest" at api.slack.com, it sets the app up in one step. Socket Mode is off: yishi takes Slack's
 * requests over HTTPS.
 */
export function slackManifest(publicUrl: string, texts: { description: string; command: string }, name = 'yishi'): Record<string, unknown> {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    display_information: { name, description: texts.description },
    features: {
      bot_user: { display_name: name, always_online: true },
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      slash_commands: [
        {
          command: '/yishi',
          url: `${base}/slack/commands`,
          description: texts.command,
          usage_hint: 'help',
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: ['chat:write', 'commands', 'channels:read', 'groups:read', 'im:read', 'im:write', 'users:read'] } },
    settings: {
      event_subscriptions: {
        request_url: `${base}/slack/events`,
        bot_events: ['member_joined_channel', 'channel_left', 'group_left', 'app_home_opened'],
      },
      interactivity: { is_enabled: true, request_url: `${base}/slack/interactions` },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}
