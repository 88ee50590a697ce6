{% set source_relation = source('app', 'payment_transactions') %}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as payment_transaction_id,
        cast(payer_user_id as {{ dbt.type_bigint() }}) as payer_user_id,
        cast(merchant_account_id as {{ dbt.type_bigint() }}) as merchant_account_id,
        cast(amount as {{ dbt.type_numeric() }}) as amount,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(status as {{ dbt.type_string() }}) as status,
        {{ activity_metrics.to_utc_timestamp(source_relation, 'created_at') }}
            as created_at,
        {{ activity_metrics.source_loaded_at(source_relation, 'payment_transactions') }}
            as source_loaded_at
    from source

)

select * from renamed
