{% set source_relation = source('app', 'send_transactions') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as send_transaction_id,
        cast(sender_user_id as {{ dbt.type_bigint() }}) as sender_user_id,
        cast(recipient_user_id as {{ dbt.type_bigint() }}) as recipient_user_id,
        cast(amount as {{ dbt.type_numeric() }}) as amount,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(status as {{ dbt.type_string() }}) as status,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'created_at') }}
            as created_at,
        {{ activity_metrics.source_loaded_at(source_relation, 'send_transactions') }}
            as source_loaded_at
    from source

)

select * from renamed
