{% macro activity_sources() %}
    {#- The one declarative list of activity sources (docs/CONTRACT.md).
        A new source is one entry here plus its staging view.
        - model: the staging view; id: its primary key
        - actor / occurred_at: the acting user and the time of the action
        - category: the activity category, or none when an event_type column
          is classified by the seed activity_event_types (the touch log);
        - event_type: the column kept as the event's type (the touch log's
          event type; an account's type, which the account_type segment
          reads, so a change of type is a changed row the nightly sees);
        - method: how the app used to see the source: 'transactional' (the
          old method, the union of the app's tables) or 'touch_log' (the
          middleware's log). The one place that says which is which. -#}
    {{- return([
        {'source_name': 'accounts', 'model': 'stg_app__accounts',
         'id': 'account_id', 'actor': 'user_id',
         'occurred_at': 'created_at', 'category': 'account',
         'event_type': 'account_type', 'method': 'transactional'},
        {'source_name': 'send_transactions',
         'model': 'stg_app__send_transactions',
         'id': 'send_transaction_id', 'actor': 'sender_user_id',
         'occurred_at': 'created_at', 'category': 'transaction',
         'method': 'transactional'},
        {'source_name': 'payment_transactions',
         'model': 'stg_app__payment_transactions',
         'id': 'payment_transaction_id', 'actor': 'payer_user_id',
         'occurred_at': 'created_at', 'category': 'transaction',
         'method': 'transactional'},
        {'source_name': 'conversions', 'model': 'stg_app__conversions',
         'id': 'conversion_id', 'actor': 'user_id',
         'occurred_at': 'created_at', 'category': 'transaction',
         'method': 'transactional'},
        {'source_name': 'p2p_trades', 'model': 'stg_app__p2p_trades',
         'id': 'p2p_trade_id', 'actor': 'buyer_user_id',
         'occurred_at': 'created_at', 'category': 'p2p',
         'method': 'transactional'},
        {'source_name': 'p2p_messages', 'model': 'stg_app__p2p_messages',
         'id': 'p2p_message_id', 'actor': 'sender_user_id',
         'occurred_at': 'created_at', 'category': 'p2p',
         'method': 'transactional'},
        {'source_name': 'p2p_confirmations',
         'model': 'stg_app__p2p_confirmations',
         'id': 'p2p_confirmation_id', 'actor': 'user_id',
         'occurred_at': 'created_at', 'category': 'p2p',
         'method': 'transactional'},
        {'source_name': 'user_achievements',
         'model': 'stg_app__user_achievements',
         'id': 'user_achievement_id', 'actor': 'user_id',
         'occurred_at': 'earned_at', 'category': 'achievement',
         'method': 'transactional'},
        {'source_name': 'business_operations',
         'model': 'stg_app__business_operations',
         'id': 'business_operation_id', 'actor': 'operator_user_id',
         'occurred_at': 'created_at', 'category': 'business',
         'method': 'transactional'},
        {'source_name': 'activity_touches',
         'model': 'stg_app__activity_touches',
         'id': 'activity_touch_id', 'actor': 'user_id',
         'occurred_at': 'touched_at', 'category': none,
         'event_type': 'event_type', 'method': 'touch_log'},
    ]) -}}
{% endmacro %}

{% macro activity_methods() %}
    {#- The methods of activity_sources, in a fixed order. -#}
    {{- return(['transactional', 'touch_log']) -}}
{% endmacro %}
