<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
  <context>
    <name>AccountTexts</name>
    <message>
      <location filename="station_app/gui/account_texts.py" line="38" />
      <source>Administrator</source>
      <translation>관리자</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="77" />
      <source>An account named {0} exists already.</source>
      <translation>{0} 계정이 이미 있습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="47" />
      <source>At least {0} characters</source>
      <translation>{0}자 이상</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="50" />
      <source>At least {0} different characters</source>
      <translation>서로 다른 문자 {0}개 이상</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="48" />
      <source>At most {0} characters</source>
      <translation>{0}자 이하</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="94" />
      <source>Display name: 1 to 128 characters, no control characters.</source>
      <translation>표시 이름: 1~128자, 제어 문자는 사용할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="35" />
      <source>Inspector</source>
      <translation>검사관</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="53" />
      <source>Must differ from the current password</source>
      <translation>현재 비밀번호와 달라야 합니다</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="49" />
      <source>Must not contain the user name</source>
      <translation>사용자 이름을 포함할 수 없습니다</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="75" />
      <source>Password refused: {0}</source>
      <translation>비밀번호가 거부되었습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="36" />
      <source>Supervisor</source>
      <translation>감독자</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="37" />
      <source>Technician</source>
      <translation>기술자</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="85" />
      <source>The administrator exists already. Sign in.</source>
      <translation>관리자 계정이 이미 있습니다. 로그인하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="70" />
      <source>The password is wrong.</source>
      <translation>비밀번호가 틀렸습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="79" />
      <source>There is no account named {0}.</source>
      <translation>{0} 계정이 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="68" />
      <source>This account is disabled. Ask an administrator.</source>
      <translation>비활성화된 계정입니다. 관리자에게 문의하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="87" />
      <source>This is managed by central, not at the station.</source>
      <translation>이 항목은 검사대가 아니라 중앙 서버에서 관리합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="63" />
      <source>Too many failed attempts: this account is locked until {0}, or until an administrator unlocks it.</source>
      <translation>로그인 실패 횟수 초과: 이 계정은 {0}까지 또는 관리자가 잠금을 해제할 때까지 잠깁니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="61" />
      <source>Unknown user name or wrong password.</source>
      <translation>사용자 이름 또는 비밀번호가 올바르지 않습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="90" />
      <source>User name: 2 to 32 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.</source>
      <translation>사용자 이름: 영문 소문자, 숫자, '.', '_', '-'로 2~32자이며 영문자나 숫자로 시작해야 합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="83" />
      <source>You cannot do this to your own account. Ask another administrator.</source>
      <translation>본인 계정에는 이 작업을 할 수 없습니다. 다른 관리자에게 요청하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="72" />
      <source>Your role may not do this.</source>
      <translation>현재 역할로는 이 작업을 할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/account_texts.py" line="81" />
      <source>{0} is the last enabled administrator and must stay one.</source>
      <translation>{0}은(는) 마지막 활성 관리자이므로 관리자 역할을 유지해야 합니다.</translation>
    </message>
  </context>
  <context>
    <name>AccountsWorkspace</name>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="160" />
      <source>Change role</source>
      <translation>역할 변경</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="152" />
      <source>Disable</source>
      <translation>비활성화</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="137" />
      <source>Display name</source>
      <translation>표시 이름</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="153" />
      <source>Enable</source>
      <translation>활성화</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="140" />
      <source>Last sign-in</source>
      <translation>마지막 로그인</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="151" />
      <source>New account…</source>
      <translation>새 계정…</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="155" />
      <source>Reset password…</source>
      <translation>비밀번호 재설정…</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="138" />
      <source>Role</source>
      <translation>역할</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="170" />
      <source>Role:</source>
      <translation>역할:</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="139" />
      <source>State</source>
      <translation>상태</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="154" />
      <source>Unlock</source>
      <translation>잠금 해제</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="136" />
      <source>User name</source>
      <translation>사용자 이름</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="236" />
      <source>active</source>
      <translation>활성</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="235" />
      <source>active (must change password)</source>
      <translation>활성 (비밀번호 변경 필요)</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="231" />
      <source>disabled</source>
      <translation>비활성</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="233" />
      <source>locked until {0}</source>
      <translation>{0}까지 잠김</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="219" />
      <source>never</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="305" />
      <source>{0} created; the password must be changed at the first sign-in</source>
      <translation>{0} 계정을 만들었습니다. 첫 로그인 때 비밀번호를 변경해야 합니다</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="277" />
      <source>{0}: done</source>
      <translation>{0}: 완료</translation>
    </message>
  </context>
  <context>
    <name>App</name>
    <message>
      <location filename="station_app/gui/app.py" line="118" />
      <source>Station did not start: {0}</source>
      <translation>검사대가 시작되지 않았습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/app.py" line="103" />
      <source>Station not started</source>
      <translation>검사대 시작 실패</translation>
    </message>
    <message>
      <location filename="station_app/gui/app.py" line="104" />
      <source>The station could not be started:
{0}</source>
      <translation>검사대를 시작할 수 없습니다:
{0}</translation>
    </message>
  </context>
  <context>
    <name>CertificatePanel</name>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="253" />
      <source>(no number)</source>
      <translation>(번호 없음)</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="147" />
      <source>COULD NOT VERIFY NOW</source>
      <translation>지금 검증 불가</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="205" />
      <source>Certificate image</source>
      <translation>원산지증명서 이미지</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="72" />
      <source>Certificates of origin</source>
      <translation>원산지증명서</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="220" />
      <source>Check not started: {0}</source>
      <translation>검증을 시작하지 못했습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="124" />
      <source>Cross-checks</source>
      <translation>대조 결과</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="293" />
      <source>Exporter: {0} ({1})</source>
      <translation>수출자: {0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="306" />
      <source>HS {0}  {1:g}{2}  {3} ({4})</source>
      <translation>HS {0}  {1:g}{2}  {3} ({4})</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="144" />
      <source>INVALID</source>
      <translation>무효</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="207" />
      <source>Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp)</source>
      <translation>이미지 (*.png *.jpg *.jpeg *.tif *.tiff *.bmp)</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="296" />
      <source>Importer: {0} ({1})</source>
      <translation>수입자: {0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="290" />
      <source>No certificate details</source>
      <translation>증명서 세부 정보 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="184" />
      <source>No certificate presented</source>
      <translation>제출된 원산지증명서 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="320" />
      <source>No mismatch with the manifest</source>
      <translation>적하목록과 불일치 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="176" />
      <source>No parcel</source>
      <translation>소포 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="237" />
      <source>Not checked: {0}</source>
      <translation>검증하지 못했습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="299" />
      <source>Origin: {0} · FTA {1} · valid to {2:%Y-%m-%d}</source>
      <translation>원산지: {0} · FTA {1} · 유효기간 {2:%Y-%m-%d}까지</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="145" />
      <source>REVOKED</source>
      <translation>취소됨</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="90" />
      <source>Read image…</source>
      <translation>이미지 읽기…</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="86" />
      <source>Scan a certificate barcode…</source>
      <translation>원산지증명서 바코드를 스캔하십시오…</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="182" />
      <source>Stored checks unreadable: {0}</source>
      <translation>저장된 검증 결과를 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="146" />
      <source>UNVERIFIED</source>
      <translation>미검증</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="254" />
      <source>URL</source>
      <translation>URL</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="143" />
      <source>VALID</source>
      <translation>유효</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="223" />
      <location filename="station_app/gui/certificate_panel.py" line="247" />
      <source>Verifying…</source>
      <translation>검증 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="155" />
      <source>cached</source>
      <translation>캐시</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="153" />
      <source>offline</source>
      <translation>오프라인</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="154" />
      <source>online</source>
      <translation>온라인</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="254" />
      <source>signed</source>
      <translation>전자서명</translation>
    </message>
    <message>
      <location filename="station_app/gui/certificate_panel.py" line="255" />
      <source>{0} · {1} ({2}, {3})</source>
      <translation>{0} · {1} ({2}, {3})</translation>
    </message>
  </context>
  <context>
    <name>CheckPanel</name>
    <message>
      <location filename="station_app/gui/check_panel.py" line="166" />
      <source>&amp;Note</source>
      <translation>메모(&amp;N)</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="158" />
      <source>&amp;Outcome</source>
      <translation>결과(&amp;O)</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="371" />
      <source>A correction needs a note saying why.</source>
      <translation>정정하려면 사유를 메모에 적어야 합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="327" />
      <source>Choose a parcel in the list.</source>
      <translation>목록에서 소포를 선택하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="363" />
      <source>Choose a result in the list.</source>
      <translation>목록에서 결과를 선택하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="331" />
      <location filename="station_app/gui/check_panel.py" line="367" />
      <source>Choose what the check found.</source>
      <translation>검사에서 발견된 내용을 선택하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="155" />
      <source>Choose what was found…</source>
      <translation>발견 내용 선택…</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="142" />
      <source>Correct a recorded &amp;result</source>
      <translation>기록된 결과 정정(&amp;R)</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="381" />
      <source>Correction not recorded: {0}</source>
      <translation>정정이 기록되지 않았습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="115" />
      <source>Decided at</source>
      <translation>판정 시각</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="115" />
      <source>Decided by</source>
      <translation>판정자</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="116" />
      <source>Note</source>
      <translation>메모</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="163" />
      <location filename="station_app/gui/check_panel.py" line="235" />
      <source>Note (required for Other)</source>
      <translation>메모('기타'는 필수)</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="75" />
      <source>Nothing found</source>
      <translation>이상 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="78" />
      <source>Other (say what in the note)</source>
      <translation>기타(메모에 내용 기재)</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="335" />
      <source>Other needs a note saying what was found.</source>
      <translation>'기타'는 발견 내용을 메모에 적어야 합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="116" />
      <source>Outcome</source>
      <translation>결과</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="114" />
      <location filename="station_app/gui/check_panel.py" line="116" />
      <source>Parcel</source>
      <translation>소포</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="141" />
      <source>Parcels waiting for a physical check</source>
      <translation>개장 검사 결과를 기다리는 소포</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="418" />
      <location filename="station_app/gui/check_panel.py" line="427" />
      <source>Physical checks</source>
      <translation>개장 검사 결과</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="432" />
      <source>Physical checks (Ctrl+K)</source>
      <translation>개장 검사 결과 (Ctrl+K)</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="76" />
      <source>Prohibited item found</source>
      <translation>금지 물품 발견</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="232" />
      <source>Record correction</source>
      <translation>정정 기록</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="170" />
      <location filename="station_app/gui/check_panel.py" line="182" />
      <location filename="station_app/gui/check_panel.py" line="232" />
      <source>Record result</source>
      <translation>결과 기록</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="172" />
      <source>Record result (Ctrl+Enter)</source>
      <translation>결과 기록 (Ctrl+Enter)</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="117" />
      <source>Recorded at</source>
      <translation>기록 시각</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="117" />
      <source>Recorded by</source>
      <translation>기록자</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="387" />
      <source>Result for {0} corrected: {1}.</source>
      <translation>{0}의 결과가 정정되었습니다: {1}.</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="352" />
      <source>Result for {0} recorded: {1}.</source>
      <translation>{0}의 결과가 기록되었습니다: {1}.</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="345" />
      <source>Result not recorded: {0}</source>
      <translation>결과가 기록되지 않았습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="251" />
      <source>The list could not be read: {0}</source>
      <translation>목록을 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="114" />
      <source>Tracking number</source>
      <translation>운송장 번호</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="77" />
      <source>Undeclared or misdeclared goods</source>
      <translation>미신고·허위신고 물품</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="114" />
      <source>Verdict</source>
      <translation>판정</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="234" />
      <source>Why the result is corrected (required)</source>
      <translation>정정 사유(필수)</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="284" />
      <source>{0} (review)</source>
      <translation>{0}(재검토)</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="288" />
      <source>{0} parcel(s) waiting for a check</source>
      <translation>검사 대기 소포 {0}건</translation>
    </message>
    <message>
      <location filename="station_app/gui/check_panel.py" line="270" />
      <source>{0} result(s) that can be corrected</source>
      <translation>정정 가능한 결과 {0}건</translation>
    </message>
  </context>
  <context>
    <name>CoreTexts</name>
    <message>
      <location filename="station_app/core_texts.py" line="548" />
      <source>AWG {awg} behind {material} {thickness_mm} mm</source>
      <translation>{material} {thickness_mm} mm 뒤 AWG {awg}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="546" />
      <source>AWG {awg} {runs}</source>
      <translation>AWG {awg} {runs}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="151" />
      <source>Battery pack of {cells} cylindrical cells, {long_mm} × {short_mm} mm: metal-rich, penetrable and shaped like a Li-ion battery</source>
      <translation>원통형 전지 {cells}개로 된 배터리 팩, {long_mm} × {short_mm} mm: 금속 성분이 많고 투과되며 리튬이온 배터리 모양입니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="239" />
      <source>Central risk score {score} (elevated)</source>
      <translation>중앙 위험도 점수 {score} (다소 높음)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="238" />
      <source>Central risk score {score} (high)</source>
      <translation>중앙 위험도 점수 {score} (높음)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="240" />
      <source>Central risk score {score} (low)</source>
      <translation>중앙 위험도 점수 {score} (낮음)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="207" />
      <source>Certificate</source>
      <translation>원산지증명서</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="384" />
      <source>Certificate exporter {exporter} is not the manifest sender {sender} or seller {seller}.</source>
      <translation>증명서의 수출자 {exporter}이(가) 적하목록의 발송인 {sender} 또는 판매자 {seller}와(과) 다릅니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="388" />
      <source>Certificate exporter {exporter} is not the manifest sender {sender}.</source>
      <translation>증명서의 수출자 {exporter}이(가) 적하목록의 발송인 {sender}와(과) 다릅니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="392" />
      <source>Certificate importer {importer} is not the manifest addressee {addressee}.</source>
      <translation>증명서의 수입자 {importer}이(가) 적하목록의 수취인 {addressee}와(과) 다릅니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="401" />
      <source>Certificate item HS {hs_code} ({items}) matches no declared line: line {line} declares {declared_hs} in the same heading, a different subheading.</source>
      <translation>증명서 물품 HS {hs_code}({items})와(과) 일치하는 신고 품목이 없습니다: {line}번 품목은 같은 호의 다른 소호인 {declared_hs}(으)로 신고되었습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="406" />
      <source>Certificate item HS {hs_code} ({items}) matches no declared line: no declared line has this HS subheading.</source>
      <translation>증명서 물품 HS {hs_code}({items})와(과) 일치하는 신고 품목이 없습니다: 이 HS 소호로 신고된 품목이 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="443" />
      <source>Certificate {number} covers {certified} under HS {hs_code}, but {total} are claimed over {count} parcels (this one and {parcels}).</source>
      <translation>원산지증명서 {number}은(는) HS {hs_code}에 대해 {certified}만 포함하지만, 소포 {count}건(이 소포와 {parcels})에서 {total}이(가) 청구되었습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="437" />
      <source>Certificate {number} covers {certified} {unit} under HS {hs_code}, but {total} are claimed over {count} parcels (this one and {parcels}).</source>
      <translation>원산지증명서 {number}은(는) HS {hs_code}에 대해 {certified} {unit}만 포함하지만, 소포 {count}건(이 소포와 {parcels})에서 {total}이(가) 청구되었습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="376" />
      <source>Certificate {number} expired on {expired}, before the parcel was scanned ({scanned}).</source>
      <translation>원산지증명서 {number}은(는) 소포 검색일({scanned}) 이전인 {expired}에 만료되었습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="352" />
      <source>Certificate {number} is not valid ({reason}).</source>
      <translation>원산지증명서 {number}: 무효입니다 ({reason}).</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="357" />
      <source>Certificate {number} is not valid.</source>
      <translation>원산지증명서 {number}: 무효입니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="366" />
      <source>Certificate {number} is not verified ({reason}).</source>
      <translation>원산지증명서 {number}: 검증되지 않았습니다 ({reason}).</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="343" />
      <source>Certificate {number} is not verified yet (could not verify now) ({reason}).</source>
      <translation>원산지증명서 {number}: 아직 검증되지 않았습니다(지금 검증 불가) ({reason}).</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="348" />
      <source>Certificate {number} is not verified yet (could not verify now).</source>
      <translation>원산지증명서 {number}: 아직 검증되지 않았습니다(지금 검증 불가).</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="371" />
      <source>Certificate {number} is not verified.</source>
      <translation>원산지증명서 {number}: 검증되지 않았습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="358" />
      <source>Certificate {number} is revoked by its issuer ({reason}).</source>
      <translation>원산지증명서 {number}: 발급기관이 취소했습니다 ({reason}).</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="363" />
      <source>Certificate {number} is revoked by its issuer.</source>
      <translation>원산지증명서 {number}: 발급기관이 취소했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="427" />
      <source>Certificate {number} was already presented for another importer ({importers}; {parcels}).</source>
      <translation>원산지증명서 {number}은(는) 이미 다른 수입자에 대해 제출되었습니다({importers}; {parcels}).</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="432" />
      <source>Certificate {number} was already presented on {count} other parcel(s) ({parcels}); without manifests for all of them the quantities cannot be checked.</source>
      <translation>원산지증명서 {number}은(는) 이미 다른 소포 {count}건에 제출되었습니다({parcels}). 모든 소포의 적하목록이 없어 수량을 확인할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="380" />
      <source>Certificate {number} was issued on {issued}, after the parcel was scanned ({scanned}).</source>
      <translation>원산지증명서 {number}은(는) 소포 검색일({scanned}) 이후인 {issued}에 발급되었습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="147" />
      <source>Cylindrical lithium cell {long_mm} × {short_mm} mm: metal-rich, penetrable and shaped like a Li-ion battery</source>
      <translation>원통형 리튬 전지 {long_mm} × {short_mm} mm: 금속 성분이 많고 투과되며 리튬이온 배터리 모양입니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="411" />
      <source>Declared line {line} ({description}) gives origin {origin}; the certificate certifies {certified}.</source>
      <translation>{line}번 신고 품목({description})의 원산지는 {origin}이지만 증명서가 증명하는 원산지는 {certified}입니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="179" />
      <source>Declared line {line} ({description}, quantity {quantity}) should show as {items}, but none was seen.</source>
      <translation>{line}번 신고 품목({description}, 수량 {quantity})은 영상에서 {items}(으)로 보여야 하나 아무것도 확인되지 않았습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="184" />
      <source>Declared value {value} {currency} (about {declared_usd} USD) is implausibly low for {count} {items} seen (at least {needed_usd} USD expected).</source>
      <translation>신고 가격 {value} {currency}(약 {declared_usd} USD)는 확인된 {items} {count}개에 비해 지나치게 낮습니다(최소 {needed_usd} USD 예상).</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="422" />
      <source>Declared {declared} under HS {hs_code} but the certificate covers only {certified}.</source>
      <translation>HS {hs_code}(으)로 {declared}이(가) 신고되었으나 증명서는 {certified}만 포함합니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="416" />
      <source>Declared {declared} {unit} under HS {hs_code} but the certificate covers only {certified} {unit}.</source>
      <translation>HS {hs_code}(으)로 {declared} {unit}이(가) 신고되었으나 증명서는 {certified} {unit}만 포함합니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="138" />
      <source>Dense object {length_mm} × {width_mm} mm: X-rays cannot see through it</source>
      <translation>고밀도 물체 {length_mm} × {width_mm} mm: 엑스레이가 투과하지 못합니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="162" />
      <source>Detector found {count} {items} (restricted: needs a licence) but no declared line covers it.</source>
      <translation>탐지기가 {items} {count}개를 찾았으나(제한 물품: 허가 필요) 이를 포함하는 신고 품목이 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="167" />
      <source>Detector found {count} {items} but no declared line covers it.</source>
      <translation>탐지기가 {items} {count}개를 찾았으나 이를 포함하는 신고 품목이 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="175" />
      <source>Detector found {count} {items} but only {declared} are declared.</source>
      <translation>탐지기가 {items} {count}개를 찾았으나 신고 수량은 {declared}개뿐입니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="171" />
      <source>Detector found {count} {items} but only {declared} is declared.</source>
      <translation>탐지기가 {items} {count}개를 찾았으나 신고 수량은 {declared}개뿐입니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="223" />
      <source>Detector found {item} ({confidence} confidence) at lines {line0}-{line1}, pixels {px0}-{px1}</source>
      <translation>탐지기가 {item}을(를) 찾았습니다 (신뢰도 {confidence}, 라인 {line0}-{line1}, 픽셀 {px0}-{px1})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="155" />
      <source>Flat lithium cell {long_mm} × {short_mm} mm: metal-rich, penetrable and shaped like a Li-ion battery</source>
      <translation>평판형 리튬 전지 {long_mm} × {short_mm} mm: 금속 성분이 많고 투과되며 리튬이온 배터리 모양입니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="206" />
      <source>Manifest discrepancy</source>
      <translation>적하목록 불일치</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="502" />
      <source>Organic/inorganic differentiation</source>
      <translation>유기물/무기물 구분</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="142" />
      <source>Packed organic mass {long_mm} × {short_mm} mm (Zeff {zeff}): uniform, brick- or pouch-shaped, Zeff of a narcotic powder rather than paper, cloth or food</source>
      <translation>압축된 유기물 덩어리 {long_mm} × {short_mm} mm (Zeff {zeff}): 균일하고 벽돌 또는 파우치 모양이며, Zeff가 종이·천·식품이 아닌 마약류 분말에 해당합니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="501" />
      <source>Simple penetration</source>
      <translation>단순 투과력</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="499" />
      <source>Spatial resolution</source>
      <translation>공간 분해능</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="189" />
      <source>The image shows lithium batteries (a lithium-battery alarm) but no declared line holds one.</source>
      <translation>영상에 리튬 배터리가 보이지만(리튬 배터리 경보) 이를 포함하는 신고 품목이 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="194" />
      <source>The image shows lithium batteries (a lithium-battery alarm, {items}) but no declared line holds one.</source>
      <translation>영상에 리튬 배터리가 보이지만(리튬 배터리 경보, {items}) 이를 포함하는 신고 품목이 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="199" />
      <source>The image shows lithium batteries ({items}) but no declared line holds one.</source>
      <translation>영상에 리튬 배터리가 보이지만({items}) 이를 포함하는 신고 품목이 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="228" />
      <source>The item detector did not run on this parcel ({error}); look for items yourself</source>
      <translation>이 소포에는 물품 탐지기가 실행되지 않았습니다({error}). 물품을 직접 확인하십시오</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="396" />
      <source>The manifest declares no HS codes, so the certificate's items cannot be matched to its lines.</source>
      <translation>적하목록에 HS 부호가 신고되지 않아 증명서의 물품을 신고 품목과 대조할 수 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="500" />
      <source>Thin organic</source>
      <translation>얇은 유기물</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="498" />
      <source>Useful penetration</source>
      <translation>유효 투과력</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="497" />
      <source>Wire display</source>
      <translation>와이어 표시</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="532" />
      <source>across</source>
      <translation>가로</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="593" />
      <source>air</source>
      <translation>에어</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="642" />
      <source>air check</source>
      <translation>에어 점검</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="648" />
      <source>air: X-rays on, belt empty</source>
      <translation>에어: 엑스레이 켜짐, 컨베이어 벨트 비움</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="533" />
      <source>along</source>
      <translation>세로</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="537" />
      <source>aluminium</source>
      <translation>알루미늄</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="335" />
      <source>answer of {authority} from {minutes} min ago</source>
      <translation>{minutes}분 전 {authority}의 응답</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="454" />
      <source>bad line block at line {line} dropped: {error}</source>
      <translation>{line}번 라인의 손상된 라인 블록을 버렸습니다: {error}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="257" />
      <source>barcode payload is not text</source>
      <translation>바코드 내용이 텍스트가 아닙니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="554" />
      <source>bars {bar_mm} mm {runs}</source>
      <translation>막대 {bar_mm} mm {runs}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="292" />
      <source>central answered for authority {answered}, not {asked}</source>
      <translation>중앙 서버가 {asked}이(가) 아닌 발급기관 {answered}에 대해 응답했습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="328" />
      <source>central could not be asked where else it was used: {problem}</source>
      <translation>다른 사용 내역을 중앙 서버에 조회하지 못했습니다: {problem}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="279" />
      <source>central could not be reached ({error})</source>
      <translation>중앙 서버에 연결할 수 없습니다 ({error})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="310" />
      <source>central has no connection to {authority}; verify it by other means</source>
      <translation>중앙 서버가 {authority}에 연결되어 있지 않습니다. 다른 방법으로 검증하십시오</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="282" />
      <source>central refused this station ({error})</source>
      <translation>중앙 서버가 이 검사대를 거부했습니다 ({error})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="285" />
      <source>central's answer could not be read ({error})</source>
      <translation>중앙 서버의 응답을 읽을 수 없습니다 ({error})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="248" />
      <source>certificate expired on {time}</source>
      <translation>증명서가 {time}에 만료되었습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="244" />
      <source>certificate issued in the future ({time})</source>
      <translation>증명서 발급 시각이 미래입니다 ({time})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="247" />
      <source>certificate not valid before {time}</source>
      <translation>증명서는 {time}부터 유효합니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="271" />
      <source>certificate {number} is revoked</source>
      <translation>증명서 {number}은(는) 취소되었습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="472" />
      <source>configured model</source>
      <translation>설정된 모델</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="534" />
      <source>copper</source>
      <translation>구리</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="300" />
      <source>could not verify now: {problem}</source>
      <translation>지금 검증 불가: {problem}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="617" />
      <source>counts</source>
      <translation>카운트</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="592" />
      <source>dark</source>
      <translation>다크</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="604" />
      <source>dark noise high (median)</source>
      <translation>고에너지 다크 잡음 (중앙값)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="605" />
      <source>dark noise low (median)</source>
      <translation>저에너지 다크 잡음 (중앙값)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="603" />
      <source>dark offset (median, of full scale)</source>
      <translation>다크 오프셋 (중앙값, 풀스케일 대비)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="647" />
      <source>dark: X-rays off</source>
      <translation>다크: 엑스레이 꺼짐</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="607" />
      <source>dead + noisy pixels</source>
      <translation>데드 + 노이즈 픽셀</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="599" />
      <source>done</source>
      <translation>완료</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="600" />
      <source>failed</source>
      <translation>실패</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="513" />
      <source>finest bars resolved in both orientations</source>
      <translation>두 방향 모두에서 분해되는 가장 가는 막대</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="614" />
      <source>flat-field offset (|median|)</source>
      <translation>플랫필드 오프셋 (|중앙값|)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="611" />
      <source>flat-field residual (std over pixels)</source>
      <translation>플랫필드 잔차 (픽셀 간 표준편차)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="530" />
      <source>fraction</source>
      <translation>비율</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="606" />
      <source>gain (median air − dark, of full scale)</source>
      <translation>이득 (중앙값 에어 − 다크, 풀스케일 대비)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="644" />
      <source>image quality failed</source>
      <translation>화질 시험 불합격</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="643" />
      <source>image quality passed</source>
      <translation>화질 시험 합격</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="680" />
      <source>image quality: {title} {summary}</source>
      <translation>화질: {title} {summary}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="616" />
      <source>image-quality test piece scanned</source>
      <translation>화질 시험편 스캔</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="615" />
      <source>image-quality tests passed</source>
      <translation>합격한 화질 시험</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="542" />
      <source>inorganic</source>
      <translation>무기물</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="254" />
      <source>internal error while verifying ({error})</source>
      <translation>검증 중 내부 오류가 발생했습니다 ({error})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="250" />
      <source>issuer key expired on {time}</source>
      <translation>발급기관 키가 {time}에 만료되었습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="249" />
      <source>issuer key not valid before {time}</source>
      <translation>발급기관 키는 {time}부터 유효합니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="267" />
      <source>issuer {issuer} does not match the key's country {country}</source>
      <translation>발급기관 {issuer}이(가) 키의 국가 {country}와(과) 일치하지 않습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="252" />
      <source>key id of {length} bytes, expected {expected}</source>
      <translation>키 ID가 {length}바이트입니다({expected}바이트여야 함)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="536" />
      <source>lead</source>
      <translation>납</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="556" />
      <source>lead behind steel {thickness_mm} mm</source>
      <translation>강철 {thickness_mm} mm 뒤 납</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="638" />
      <source>measured</source>
      <translation>측정 완료</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="543" />
      <source>metal</source>
      <translation>금속</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="525" />
      <source>mm bars</source>
      <translation>mm 막대</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="524" />
      <source>mm steel</source>
      <translation>mm 강철</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="528" />
      <source>mm {material}</source>
      <translation>mm {material}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="479" />
      <source>model {failed} did not load ({reason}); rolled back to {now_running}</source>
      <translation>모델 {failed}을(를) 불러오지 못했습니다({reason}). {now_running}(으)로 되돌렸습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="474" />
      <source>model {failed} did not load ({reason}); rolled back to {now_running}; {warning}</source>
      <translation>모델 {failed}을(를) 불러오지 못했습니다({reason}). {now_running}(으)로 되돌렸습니다; {warning}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="529" />
      <source>modulation</source>
      <translation>변조도</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="214" />
      <source>no alarm, detection or discrepancy needs a look</source>
      <translation>확인이 필요한 경보, 탐지 또는 불일치가 없습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="251" />
      <source>no key id (kid) in the COSE headers</source>
      <translation>COSE 헤더에 키 ID(kid)가 없습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="338" />
      <source>no manifest for this parcel: parties and goods not cross-checked</source>
      <translation>이 소포의 적하목록이 없어 당사자와 물품을 대조하지 않았습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="272" />
      <source>no trust list loaded; signature not checked</source>
      <translation>신뢰 목록이 없어 서명을 확인하지 않았습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="575" />
      <source>none {unit} (required {relation} {required})</source>
      <translation>없음 {unit} (기준 {relation} {required})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="541" />
      <source>organic</source>
      <translation>유기물</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="468" />
      <source>parcel {scan_id}: {reason}</source>
      <translation>소포 {scan_id}: {reason}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="597" />
      <source>pending</source>
      <translation>대기</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="618" />
      <source>pixels</source>
      <translation>픽셀</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="540" />
      <source>pmma</source>
      <translation>아크릴(PMMA)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="538" />
      <source>polyethylene</source>
      <translation>폴리에틸렌</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="560" />
      <source>polyethylene {thickness_mm} mm</source>
      <translation>폴리에틸렌 {thickness_mm} mm</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="539" />
      <source>pom</source>
      <translation>폴리옥시메틸렌(POM)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="463" />
      <source>processing failed: {error_type}: {error}</source>
      <translation>처리 실패: {error_type}: {error}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="458" />
      <source>processing failed: {error_type}: {error} (and could not be stored)</source>
      <translation>처리 실패: {error_type}: {error} (저장도 하지 못했습니다)</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="526" />
      <source>regions</source>
      <translation>영역</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="520" />
      <source>regions given their expected colour class</source>
      <translation>예상 색상 분류로 표시된 영역</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="598" />
      <source>running</source>
      <translation>진행 중</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="608" />
      <source>saturated pixels</source>
      <translation>포화 픽셀</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="646" />
      <source>scan</source>
      <translation>스캔</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="453" />
      <source>scanner driver stopped: {error}</source>
      <translation>스캐너 드라이버가 멈췄습니다: {error}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="262" />
      <source>signed outside the key's validity ({problem})</source>
      <translation>키의 유효기간 밖에서 서명되었습니다 ({problem})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="535" />
      <source>steel</source>
      <translation>강철</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="649" />
      <source>step wedge: place the '{wedge}' step wedge on the belt</source>
      <translation>스텝 웨지: '{wedge}' 스텝 웨지를 컨베이어 벨트에 올려 놓으십시오</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="296" />
      <source>the certificate data from central is unreadable ({error})</source>
      <translation>중앙 서버에서 받은 증명서 자료를 읽을 수 없습니다 ({error})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="275" />
      <source>the issuing authority did not answer central ({error})</source>
      <translation>발급기관이 중앙 서버에 응답하지 않았습니다 ({error})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="517" />
      <source>thickest steel through which the lead is seen</source>
      <translation>납이 보이는 가장 두꺼운 강철</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="510" />
      <source>thickest step behind which the wire is seen</source>
      <translation>와이어가 보이는 가장 두꺼운 스텝</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="507" />
      <source>thinnest gauge shown in both orientations</source>
      <translation>두 방향 모두에서 보이는 가장 가는 게이지</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="516" />
      <source>thinnest organic strip visible</source>
      <translation>보이는 가장 얇은 유기물 스트립</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="253" />
      <source>unknown issuer key (kid {kid})</source>
      <translation>알 수 없는 발급기관 키입니다 (kid {kid})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="595" />
      <source>verification</source>
      <translation>검증</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="258" />
      <source>verification URL of an issuing authority; it is checked online through central</source>
      <translation>발급기관의 검증 URL입니다. 중앙 서버를 통해 온라인으로 검증합니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="305" />
      <source>verification URL of {authority}: this station has no central service to verify it through</source>
      <translation>{authority}의 검증 URL: 이 검사대에는 검증에 사용할 중앙 서버가 없습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="288" />
      <source>verification failed unexpectedly ({error_type}: {error})</source>
      <translation>검증 중 예기치 않은 오류가 발생했습니다 ({error_type}: {error})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="652" />
      <source>verification: scanning the image-quality test piece</source>
      <translation>검증: 화질 시험편 스캔 중</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="594" />
      <source>wedge</source>
      <translation>웨지</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="609" />
      <source>wedge steps in the fit</source>
      <translation>피팅에 사용된 웨지 스텝</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="610" />
      <source>worst leave-one-out Zeff error</source>
      <translation>최대 교차 검증(LOO) 유효 원자번호 오차</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="569" />
      <source>{achieved} {unit} (required {relation} {required})</source>
      <translation>{achieved} {unit} (기준 {relation} {required})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="324" />
      <source>{authority} disclosed no certificate details; no cross-checks made</source>
      <translation>{authority}이(가) 증명서 세부 정보를 제공하지 않아 대조하지 않았습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="314" />
      <source>{authority} does not know this certificate (number and code)</source>
      <translation>{authority}에 이 증명서(번호와 코드)가 등록되어 있지 않습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="318" />
      <source>{authority} has revoked this certificate</source>
      <translation>{authority}이(가) 이 증명서를 취소했습니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="321" />
      <source>{authority} says this certificate is not valid</source>
      <translation>{authority}에 따르면 이 증명서는 무효입니다</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="217" />
      <source>{explanation} (rule {rule}, score {score})</source>
      <translation>{explanation} (규칙 {rule}, 점수 {score})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="232" />
      <source>{label}: {explanation}</source>
      <translation>{label}: {explanation}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="208" />
      <source>{level}: {reason}</source>
      <translation>{level}: {reason}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="562" />
      <source>{material} {thickness_mm} mm → {expected_class}</source>
      <translation>{material} {thickness_mm} mm → {expected_class}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="639" />
      <source>{measured} steps measured, {rejected} rejected</source>
      <translation>스텝 {measured}개 측정, {rejected}개 제외</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="633" />
      <source>{name}: {value} ({relation} {limit}) FAILED</source>
      <translation>{name}: {value} ({relation} {limit}) 불합격</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="629" />
      <source>{name}: {value} ({relation} {limit}) ok</source>
      <translation>{name}: {value} ({relation} {limit}) 합격</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="625" />
      <source>{name}: {value} {unit} ({relation} {limit}) FAILED</source>
      <translation>{name}: {value} {unit} ({relation} {limit}) 불합격</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="621" />
      <source>{name}: {value} {unit} ({relation} {limit}) ok</source>
      <translation>{name}: {value} {unit} ({relation} {limit}) 합격</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="489" />
      <source>{requested} requested for the detector but failed to load (driver or CUDA libraries); running on {provider}</source>
      <translation>탐지기에 {requested}을(를) 지정했으나 불러오지 못했습니다(드라이버 또는 CUDA 라이브러리). {provider}에서 실행 중</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="484" />
      <source>{requested} requested for the detector but not available in this onnxruntime; running on {provider}</source>
      <translation>탐지기에 {requested}을(를) 지정했으나 이 onnxruntime에서 사용할 수 없습니다. {provider}에서 실행 중</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="581" />
      <source>{result}; {note}</source>
      <translation>{result}; {note}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="663" />
      <source>{step} failed: {error}</source>
      <translation>{step} 실패: {error}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="672" />
      <source>{step} not done ({status})</source>
      <translation>{step} 미완료 ({status})</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="668" />
      <source>{step} not done ({status}): {message}</source>
      <translation>{step} 미완료 ({status}): {message}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="676" />
      <source>{step}: {check}</source>
      <translation>{step}: {check}</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="659" />
      <source>{what}: place the '{target}' on the belt</source>
      <translation>{what}: '{target}'을(를) 컨베이어 벨트에 올려 놓으십시오</translation>
    </message>
    <message>
      <location filename="station_app/core_texts.py" line="655" />
      <source>{what}: target '{target}' loaded by the scanner</source>
      <translation>{what}: 스캐너가 대상 '{target}'을(를) 불러왔습니다</translation>
    </message>
  </context>
  <context>
    <name>DecisionPanel</name>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="55" />
      <source>AMBER — look closer</source>
      <translation>AMBER — 정밀 판독 필요</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="108" />
      <source>Alarms and detections</source>
      <translation>경보 및 탐지</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="60" />
      <source>Clear</source>
      <translation>통과</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="117" />
      <source>Click a row to show it in the image. Next / previous item: N / Shift+N or P</source>
      <translation>행을 클릭하면 영상에서 해당 위치를 보여 줍니다. 다음 / 이전 항목: N / Shift+N 또는 P</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="255" />
      <source>Decided: {0}</source>
      <translation>판정: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="54" />
      <source>GREEN — release</source>
      <translation>GREEN — 통과 가능</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="62" />
      <source>Hold for supervisor</source>
      <translation>감독자 보류</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="178" />
      <source>NO PARCEL</source>
      <translation>소포 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="204" />
      <source>No reasons given</source>
      <translation>사유 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="224" />
      <source>None</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="61" />
      <source>Open for inspection</source>
      <translation>개장 검사</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="189" />
      <source>Parcel {0}
Tracking: {1}
Size: {2:.0f} × {3:.0f} mm</source>
      <translation>소포 {0}
운송장 번호: {1}
크기: {2:.0f} × {3:.0f} mm</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="56" />
      <source>RED — open the parcel</source>
      <translation>RED — 개장 검사 필요</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="177" />
      <source>Waiting for the next parcel…</source>
      <translation>다음 소포를 기다리는 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="202" />
      <source>central risk score {0:.2f}</source>
      <translation>중앙 위험도 점수 {0:.2f}</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="191" />
      <source>not read</source>
      <translation>판독 안 됨</translation>
    </message>
    <message>
      <location filename="station_app/gui/decision_panel.py" line="138" />
      <source>{0} (key: {1})</source>
      <translation>{0} (단축키: {1})</translation>
    </message>
  </context>
  <context>
    <name>DisplayToolBar</name>
    <message>
      <location filename="station_app/gui/toolbar.py" line="53" />
      <source>Adaptive local contrast</source>
      <translation>적응형 국부 대비</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="122" />
      <source>Back to colour, default density (R, Home)</source>
      <translation>컬러, 기본 밀도로 되돌리기 (R, Home)</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="34" />
      <source>Black-and-white attenuation</source>
      <translation>흑백 감쇠 영상</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="31" />
      <source>Colour</source>
      <translation>컬러</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="97" />
      <source>Density</source>
      <translation>밀도</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="110" />
      <source>Density down</source>
      <translation>밀도 낮추기</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="113" />
      <source>Density up</source>
      <translation>밀도 높이기</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="73" />
      <source>Display</source>
      <translation>영상 표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="52" />
      <source>Edge enhancement</source>
      <translation>윤곽 강조</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="52" />
      <source>Edges</source>
      <translation>윤곽</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="34" />
      <source>Grey</source>
      <translation>흑백</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="42" />
      <source>Hide inorganic and metal, show organic material</source>
      <translation>무기물과 금속을 숨기고 유기물만 표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="38" />
      <source>Hide organic material, show inorganic and metal</source>
      <translation>유기물을 숨기고 무기물과 금속을 표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="45" />
      <source>High pen.</source>
      <translation>고투과</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="46" />
      <source>High penetration: see into dense regions</source>
      <translation>고투과: 고밀도 영역 내부 확인</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="41" />
      <source>Inorganic strip</source>
      <translation>무기물 제거</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="35" />
      <source>Inverse</source>
      <translation>반전</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="35" />
      <source>Inverted grey: dense items light</source>
      <translation>흑백 반전: 고밀도 물체를 밝게 표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="53" />
      <source>Local contrast</source>
      <translation>국부 대비</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="49" />
      <source>Low pen.</source>
      <translation>저투과</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="50" />
      <source>Low penetration: bring out thin, light material</source>
      <translation>저투과: 얇고 가벼운 물질을 두드러지게 표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="32" />
      <source>Material colours: orange organic, green inorganic, blue metal</source>
      <translation>물질별 색상: 주황 유기물, 녹색 무기물, 파랑 금속</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="37" />
      <source>Organic strip</source>
      <translation>유기물 제거</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="119" />
      <source>Reset</source>
      <translation>초기화</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="55" />
      <source>Var. density</source>
      <translation>가변 밀도</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="105" />
      <source>Variable density window ([ and ])</source>
      <translation>가변 밀도 구간 ([ 및 ])</translation>
    </message>
    <message>
      <location filename="station_app/gui/toolbar.py" line="56" />
      <source>Variable density: choose the attenuation window with the slider</source>
      <translation>가변 밀도: 슬라이더로 감쇠 구간 선택</translation>
    </message>
  </context>
  <context>
    <name>FindingTexts</name>
    <message>
      <location filename="station_app/gui/finding_texts.py" line="24" />
      <source>dense object</source>
      <translation>고밀도 물체</translation>
    </message>
    <message>
      <location filename="station_app/gui/finding_texts.py" line="26" />
      <source>lithium battery</source>
      <translation>리튬 배터리</translation>
    </message>
    <message>
      <location filename="station_app/gui/finding_texts.py" line="25" />
      <source>organic mass</source>
      <translation>유기물 덩어리</translation>
    </message>
  </context>
  <context>
    <name>FirstRunDialog</name>
    <message>
      <location filename="station_app/gui/sign_in.py" line="292" />
      <source>Create administrator</source>
      <translation>관리자 만들기</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="285" />
      <source>Display name</source>
      <translation>표시 이름</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="267" />
      <source>First start — station {0}</source>
      <translation>최초 시작 — 검사대 {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="271" />
      <source>No account exists yet. Create the administrator, who then creates the accounts of inspectors, supervisors and technicians.</source>
      <translation>아직 계정이 없습니다. 관리자 계정을 만드십시오. 관리자가 검사관, 감독자, 기술자 계정을 만듭니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="295" />
      <source>Quit</source>
      <translation>종료</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="284" />
      <source>User name</source>
      <translation>사용자 이름</translation>
    </message>
  </context>
  <context>
    <name>ImageCanvas</name>
    <message>
      <location filename="station_app/gui/canvas.py" line="364" />
      <source>Alarm and detection overlays on/off (O). Next / previous item: N / Shift+N or P</source>
      <translation>경보 및 탐지 오버레이 켜기/끄기 (O). 다음 / 이전 항목: N / Shift+N 또는 P</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="349" />
      <source>Fit</source>
      <translation>화면 맞춤</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="368" />
      <source>Mark</source>
      <translation>표시</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="372" />
      <source>Mark where the suspicious thing is (M): drag a box with the mouse, or move the dashed box with the arrow keys (Shift+arrows: size) and press Enter. Backspace: remove the last mark. Esc: done.</source>
      <translation>의심 물품의 위치를 표시합니다(M): 마우스로 상자를 끌어 그리거나, 화살표 키로 점선 상자를 옮기고(Shift+화살표: 크기) Enter를 누르십시오. Backspace: 마지막 표시 삭제. Esc: 완료.</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="356" />
      <source>Next item</source>
      <translation>다음 항목</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="350" />
      <source>Overlays</source>
      <translation>오버레이</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="359" />
      <source>Previous item</source>
      <translation>이전 항목</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="903" />
      <source>Waiting for the next parcel…</source>
      <translation>다음 소포를 기다리는 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="344" />
      <source>Zoom in</source>
      <translation>확대</translation>
    </message>
    <message>
      <location filename="station_app/gui/canvas.py" line="347" />
      <source>Zoom out</source>
      <translation>축소</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="station_app/gui/main_window.py" line="366" />
      <source>A mark of yours is on the item (magenta outline).</source>
      <translation>표시한 위치가 물품(자홍색 윤곽선)과 일치합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="314" />
      <source>Decision not saved for {0}: {1}</source>
      <translation>{0}의 판정이 저장되지 않았습니다: {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="185" />
      <source>Inspection station {0} — {1}</source>
      <translation>검사대 {0} — {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="284" />
      <source>Manifest for {0} could not be read: {1}</source>
      <translation>{0}의 적하목록을 읽을 수 없습니다: {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="368" />
      <source>No mark of yours is on the item: compare with the magenta outline.</source>
      <translation>표시한 위치가 물품과 일치하지 않습니다: 자홍색 윤곽선과 비교하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="411" />
      <source>Parcel {0} could not be loaded again (it stays in the queue): {1}</source>
      <translation>소포 {0}을(를) 다시 불러올 수 없습니다(대기열에 남아 있음): {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="418" />
      <source>Parcel {0} could not be processed (raw scan kept): {1}</source>
      <translation>소포 {0}을(를) 처리하지 못했습니다 (원본 스캔 보관됨): {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="141" />
      <source>Pipeline stopped</source>
      <translation>영상 처리가 중지되었습니다</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="295" />
      <source>Sign in to decide</source>
      <translation>판정하려면 로그인하십시오</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="338" />
      <source>TIP response not saved: {0}</source>
      <translation>TIP 응답이 저장되지 않았습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="345" />
      <source>TIP: {0}</source>
      <translation>TIP: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="355" />
      <source>This image held a projected {0}. You cleared it: a miss.

The real parcel is shown next: decide on it as usual.</source>
      <translation>이 영상에는 투영된 {0}이(가) 있었습니다. 통과로 판정하여 놓쳤습니다(미탐).

이어서 실제 소포가 표시됩니다. 평소대로 판정하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="350" />
      <source>This image held a projected {0}. You stopped the parcel: a hit.

The real parcel is shown next: decide on it as usual.</source>
      <translation>이 영상에는 투영된 {0}이(가) 있었습니다. 소포를 멈춰 적중했습니다.

이어서 실제 소포가 표시됩니다. 평소대로 판정하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="348" />
      <source>Threat image projection</source>
      <translation>위협 이미지 투영 (TIP)</translation>
    </message>
    <message>
      <location filename="station_app/gui/main_window.py" line="183" />
      <source>nobody</source>
      <translation>로그인 사용자 없음</translation>
    </message>
  </context>
  <context>
    <name>ManifestPanel</name>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="157" />
      <source>AMBER</source>
      <translation>AMBER</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="253" />
      <source>Addressee: {0} ({1})</source>
      <translation>수취인: {0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="206" />
      <source>Central risk score: {0:.2f}</source>
      <translation>중앙 위험도 점수: {0:.2f}</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="166" />
      <source>Declared description</source>
      <translation>신고 품명</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="167" />
      <source>Declared quantity</source>
      <translation>신고 수량</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="256" />
      <source>Declared total: {0} {1}</source>
      <translation>신고 총액: {0} {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="171" />
      <source>Declared value of the line</source>
      <translation>해당 품목의 신고 가격</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="169" />
      <source>Declared value of the line, in {0}</source>
      <translation>해당 품목의 신고 가격 ({0})</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="150" />
      <source>Declared, not seen</source>
      <translation>신고됨, 영상에서 미확인</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="163" />
      <source>Description</source>
      <translation>품명</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="113" />
      <source>Discrepancies</source>
      <translation>불일치</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="131" />
      <source>Express</source>
      <translation>특송</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="163" />
      <source>HS</source>
      <translation>HS</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="168" />
      <source>HS tariff code</source>
      <translation>HS 부호</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="62" />
      <source>Manifest</source>
      <translation>적하목록</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="320" />
      <source>No discrepancies found</source>
      <translation>불일치 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="214" />
      <source>No manifest data for this parcel
{0}</source>
      <translation>이 소포의 적하목록 자료가 없습니다
{0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="210" />
      <source>No parcel</source>
      <translation>소포 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="130" />
      <source>Postal (CN22/CN23)</source>
      <translation>우편 (CN22/CN23)</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="163" />
      <source>Qty</source>
      <translation>수량</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="149" />
      <source>Quantity exceeded</source>
      <translation>수량 초과</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="157" />
      <source>RED</source>
      <translation>RED</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="252" />
      <source>Sender: {0} ({1})</source>
      <translation>발송인: {0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="148" />
      <source>Undeclared item</source>
      <translation>미신고 물품</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="152" />
      <source>Undeclared lithium battery</source>
      <translation>미신고 리튬 배터리</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="163" />
      <source>Value</source>
      <translation>가격</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="151" />
      <source>Value implausible</source>
      <translation>가격 비정상</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="139" />
      <source>commercial sample</source>
      <translation>상업용 견본</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="138" />
      <source>documents</source>
      <translation>서류</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="137" />
      <source>gift</source>
      <translation>선물</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="142" />
      <source>other</source>
      <translation>기타</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="140" />
      <source>returned goods</source>
      <translation>반송 물품</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="141" />
      <source>sale of goods</source>
      <translation>상품 판매</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="212" />
      <source>tracking id not read</source>
      <translation>운송장 번호 판독 안 됨</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="288" />
      <source>{0}
Origin: {1}</source>
      <translation>{0}
원산지: {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="313" />
      <source>{0} (line {1})</source>
      <translation>{0} ({1}번 품목)</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="249" />
      <source>{0} · {1}</source>
      <translation>{0} · {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/manifest_panel.py" line="308" />
      <source>{0}: {1}</source>
      <translation>{0}: {1}</translation>
    </message>
  </context>
  <context>
    <name>NewAccountDialog</name>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="66" />
      <source>Display name</source>
      <translation>표시 이름</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="54" />
      <source>New account</source>
      <translation>새 계정</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="67" />
      <source>Role</source>
      <translation>역할</translation>
    </message>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="65" />
      <source>User name</source>
      <translation>사용자 이름</translation>
    </message>
  </context>
  <context>
    <name>NewPasswordFields</name>
    <message>
      <location filename="station_app/gui/sign_in.py" line="78" />
      <source>New password</source>
      <translation>새 비밀번호</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="107" />
      <source>Password accepted</source>
      <translation>사용할 수 있는 비밀번호입니다</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="79" />
      <source>Repeat it</source>
      <translation>비밀번호 확인</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="105" />
      <source>The two passwords differ</source>
      <translation>두 비밀번호가 다릅니다</translation>
    </message>
  </context>
  <context>
    <name>QueueStrip</name>
    <message>
      <location filename="station_app/gui/queue_strip.py" line="52" />
      <source>Cleared</source>
      <translation>통과</translation>
    </message>
    <message>
      <location filename="station_app/gui/queue_strip.py" line="54" />
      <source>Held</source>
      <translation>보류</translation>
    </message>
    <message>
      <location filename="station_app/gui/queue_strip.py" line="53" />
      <source>Open</source>
      <translation>개장 검사</translation>
    </message>
    <message>
      <location filename="station_app/gui/queue_strip.py" line="148" />
      <source>{0}
Triage: {1}</source>
      <translation>{0}
위험 분류: {1}</translation>
    </message>
  </context>
  <context>
    <name>ResetPasswordDialog</name>
    <message>
      <location filename="station_app/gui/accounts_workspace.py" line="102" />
      <source>Reset the password of {0}</source>
      <translation>{0}의 비밀번호 재설정</translation>
    </message>
  </context>
  <context>
    <name>ScreenLock</name>
    <message>
      <location filename="station_app/gui/screen_lock.py" line="132" />
      <source>Locked — signed in as {0} ({1})</source>
      <translation>잠김 — {0} ({1}) 로그인 중</translation>
    </message>
    <message>
      <location filename="station_app/gui/screen_lock.py" line="96" />
      <location filename="station_app/gui/screen_lock.py" line="128" />
      <source>Password</source>
      <translation>비밀번호</translation>
    </message>
    <message>
      <location filename="station_app/gui/screen_lock.py" line="103" />
      <location filename="station_app/gui/screen_lock.py" line="130" />
      <source>Sign in as another user</source>
      <translation>다른 사용자로 로그인</translation>
    </message>
    <message>
      <location filename="station_app/gui/screen_lock.py" line="100" />
      <location filename="station_app/gui/screen_lock.py" line="129" />
      <source>Unlock</source>
      <translation>잠금 해제</translation>
    </message>
  </context>
  <context>
    <name>Shell</name>
    <message>
      <location filename="station_app/gui/shell.py" line="232" />
      <source>Accounts</source>
      <translation>계정</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="215" />
      <source>Inspection</source>
      <translation>검사</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="104" />
      <location filename="station_app/gui/shell.py" line="188" />
      <source>Lock screen</source>
      <translation>화면 잠금</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="221" />
      <source>Review</source>
      <translation>검토</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="98" />
      <location filename="station_app/gui/shell.py" line="187" />
      <source>Session</source>
      <translation>세션</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="107" />
      <location filename="station_app/gui/shell.py" line="189" />
      <source>Sign out</source>
      <translation>로그아웃</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="228" />
      <source>Station status</source>
      <translation>검사대 상태</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="196" />
      <source>Station {0} — {1}</source>
      <translation>검사대 {0} — {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="223" />
      <source>Technician</source>
      <translation>정비</translation>
    </message>
    <message>
      <location filename="station_app/gui/shell.py" line="191" />
      <source>{0} ({1}, {2})</source>
      <translation>{0} ({1}, {2})</translation>
    </message>
  </context>
  <context>
    <name>SignInDialog</name>
    <message>
      <location filename="station_app/gui/sign_in.py" line="181" />
      <source>Change password and continue</source>
      <translation>비밀번호 변경 후 계속</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="154" />
      <source>Language</source>
      <translation>언어</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="153" />
      <source>Password</source>
      <translation>비밀번호</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="160" />
      <source>Quit</source>
      <translation>종료</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="157" />
      <source>Sign in</source>
      <translation>로그인</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="130" />
      <source>Sign in — station {0}</source>
      <translation>로그인 — 검사대 {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="152" />
      <source>User name</source>
      <translation>사용자 이름</translation>
    </message>
    <message>
      <location filename="station_app/gui/sign_in.py" line="172" />
      <source>Your password was set by an administrator. Choose your own to continue.</source>
      <translation>관리자가 설정한 비밀번호입니다. 계속하려면 본인의 비밀번호를 새로 정하십시오.</translation>
    </message>
  </context>
  <context>
    <name>StationAdapter</name>
    <message>
      <location filename="station_app/gui/adapter.py" line="151" />
      <source>Cannot read the station status: {0}</source>
      <translation>검사대 상태를 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/adapter.py" line="164" />
      <source>Cannot read the sync status: {0}</source>
      <translation>동기화 상태를 읽을 수 없습니다: {0}</translation>
    </message>
  </context>
  <context>
    <name>StationStatusBar</name>
    <message>
      <location filename="station_app/gui/status_bar.py" line="154" />
      <source> · new settings v{0} at restart</source>
      <translation> · 새 설정 v{0} (재시작 시 적용)</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="148" />
      <source> · {0} queued</source>
      <translation> · {0}건 대기</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="152" />
      <source> · {0} rejected</source>
      <translation> · {0}건 거부</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="150" />
      <source>, oldest {0}</source>
      <translation>, 최장 {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="107" />
      <source>Belt stopped</source>
      <translation>컨베이어 정지</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="105" />
      <source>Belt {0:.2f} m/s</source>
      <translation>컨베이어 {0:.2f} m/s</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="86" />
      <source>Belt: —</source>
      <translation>컨베이어: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="113" />
      <source>Calibrated {0:.1f} h ago</source>
      <translation>교정 후 {0:.1f} h 경과</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="87" />
      <source>Calibration: —</source>
      <translation>교정: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="233" />
      <source>Central service: {0}</source>
      <translation>중앙 서버: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="90" />
      <source>Central: —</source>
      <translation>중앙 서버: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="89" />
      <source>Detector: —</source>
      <translation>탐지기: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="132" />
      <source>Item detector: {0}</source>
      <translation>물품 탐지기: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="248" />
      <source>Last error: {0}</source>
      <translation>마지막 오류: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="243" />
      <source>Last manifest pull: {0}</source>
      <translation>마지막 적하목록 수신: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="242" />
      <source>Last successful send: {0}</source>
      <translation>마지막 전송 성공: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="140" />
      <source>No central service is configured: results stay in the local outbox.</source>
      <translation>중앙 서버가 설정되지 않았습니다. 결과는 검사대의 송신 대기함에 보관됩니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="110" />
      <source>Not calibrated</source>
      <translation>교정 안 됨</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="237" />
      <source>Oldest unsent item: {0}</source>
      <translation>가장 오래된 미전송 항목: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="234" />
      <source>Outbox: {0} waiting, {1} rejected by central</source>
      <translation>송신 대기함: {0}건 대기, 중앙 서버 거부 {1}건</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="117" />
      <source>Processed {0}, failed {1}</source>
      <translation>처리 {0}, 실패 {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="88" />
      <source>Processed: —</source>
      <translation>처리: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="246" />
      <source>Rejected items wait for a supervisor: station-app outbox list</source>
      <translation>거부된 항목은 감독자 확인을 기다립니다: station-app outbox list</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="84" />
      <source>Scanner: —</source>
      <translation>스캐너: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="161" />
      <source>Undecided: {0}</source>
      <translation>미판정: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="161" />
      <source>Undecided: —</source>
      <translation>미판정: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="102" />
      <source>X-RAY ON</source>
      <translation>엑스레이 조사 중</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="102" />
      <source>X-ray off</source>
      <translation>엑스레이 꺼짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="85" />
      <source>X-ray: —</source>
      <translation>엑스레이: —</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="221" />
      <source>degraded</source>
      <translation>불안정</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="205" />
      <source>detector off</source>
      <translation>탐지기 꺼짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="207" />
      <source>detector unavailable</source>
      <translation>탐지기 사용 불가</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="216" />
      <source>fault</source>
      <translation>고장</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="215" />
      <source>fault: {0}</source>
      <translation>고장: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="227" />
      <source>never</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="238" />
      <source>none</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="221" />
      <source>offline</source>
      <translation>오프라인</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="221" />
      <source>online</source>
      <translation>온라인</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="216" />
      <source>running</source>
      <translation>가동 중</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="216" />
      <source>stopped</source>
      <translation>정지</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="228" />
      <source>{0} ago</source>
      <translation>{0} 전</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="199" />
      <source>{0} d</source>
      <translation>{0}일</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="198" />
      <source>{0} h</source>
      <translation>{0}시간</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="196" />
      <source>{0} min</source>
      <translation>{0}분</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="240" />
      <source>{0} old</source>
      <translation>{0} 경과</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="208" />
      <source>{0} on {1}</source>
      <translation>{0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="194" />
      <source>{0} s</source>
      <translation>{0}초</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="99" />
      <source>{0}: {1}</source>
      <translation>{0}: {1}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="138" />
      <source>● Central: not configured</source>
      <translation>● 중앙 서버: 설정 안 됨</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="146" />
      <source>● Central: {0}</source>
      <translation>● 중앙 서버: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_bar.py" line="128" />
      <location filename="station_app/gui/status_bar.py" line="169" />
      <source>⚠ {0}</source>
      <translation>⚠ {0}</translation>
    </message>
  </context>
  <context>
    <name>StationStatusWorkspace</name>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="55" />
      <source>Age</source>
      <translation>경과 시간</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="52" />
      <source>Belt</source>
      <translation>컨베이어 벨트</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="55" />
      <source>Calibration</source>
      <translation>교정</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="66" />
      <source>Calibration and tests: the Technician workspace (technicians only)</source>
      <translation>교정 및 시험: 기술자 작업 공간 (기술자 전용)</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="49" />
      <source>Driver</source>
      <translation>드라이버</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="64" />
      <source>Item detector</source>
      <translation>물품 탐지기</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="61" />
      <source>Last error</source>
      <translation>마지막 오류</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="64" />
      <source>Model</source>
      <translation>모델</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="113" />
      <source>ON</source>
      <translation>켜짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="59" />
      <source>Parcels processed / failed</source>
      <translation>처리 / 실패 소포</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="57" />
      <source>Processing</source>
      <translation>처리 현황</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="47" />
      <source>Scanner</source>
      <translation>스캐너</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="50" />
      <source>State</source>
      <translation>상태</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="60" />
      <source>Undecided parcels</source>
      <translation>미판정 소포</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="51" />
      <source>X-ray</source>
      <translation>엑스레이</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="91" />
      <location filename="station_app/gui/status_workspace.py" line="108" />
      <source>cannot be read: {0}</source>
      <translation>읽을 수 없음: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="121" />
      <source>no calibration</source>
      <translation>교정 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="133" />
      <source>none</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="94" />
      <location filename="station_app/gui/status_workspace.py" line="113" />
      <source>off</source>
      <translation>꺼짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="115" />
      <source>running at {0:.2f} m/s</source>
      <translation>{0:.2f} m/s로 가동 중</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="117" />
      <source>stopped</source>
      <translation>정지</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="96" />
      <source>unavailable</source>
      <translation>사용 불가</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="40" />
      <source>unknown</source>
      <translation>알 수 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="129" />
      <source>{0:.1f} h</source>
      <translation>{0:.1f} h</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="124" />
      <source>{0:.1f} h — older than {1:.0f} h: recalibrate</source>
      <translation>{0:.1f} h — {1:.0f} h 초과: 재교정 필요</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="98" />
      <source>{0} on {1}</source>
      <translation>{0} ({1})</translation>
    </message>
    <message>
      <location filename="station_app/gui/status_workspace.py" line="100" />
      <source>{0} — {1}</source>
      <translation>{0} — {1}</translation>
    </message>
  </context>
  <context>
    <name>SupervisorWorkspace</name>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="309" />
      <source>A reason of at least {0} characters is required.</source>
      <translation>사유를 {0}자 이상 입력해야 합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="562" />
      <source>CSV files (*.csv)</source>
      <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="306" />
      <source>Choose a verdict.</source>
      <translation>판정을 선택하십시오.</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="439" />
      <source>Custom</source>
      <translation>직접 지정</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="245" />
      <source>Decisions so far</source>
      <translation>지금까지의 판정</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="457" />
      <source>Export CSV…</source>
      <translation>CSV 내보내기…</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="456" />
      <source>Export PDF…</source>
      <translation>PDF 내보내기…</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="561" />
      <location filename="station_app/gui/supervisor_workspace.py" line="570" />
      <source>Export shift report</source>
      <translation>근무 교대 보고서 내보내기</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="151" />
      <source>From</source>
      <translation>시작</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="119" />
      <location filename="station_app/gui/supervisor_workspace.py" line="147" />
      <source>Inspector</source>
      <translation>검사관</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="438" />
      <source>Last 24 hours</source>
      <translation>최근 24시간</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="438" />
      <source>Last 7 days</source>
      <translation>최근 7일</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="437" />
      <source>Last 8 hours</source>
      <translation>최근 8시간</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="118" />
      <source>Level</source>
      <translation>위험 분류</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="146" />
      <source>Level (RED first)</source>
      <translation>위험 분류 (RED 먼저)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="145" />
      <source>Newest first</source>
      <translation>최신순</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="291" />
      <source>No decision yet.</source>
      <translation>아직 판정이 없습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="142" />
      <source>Not yet reviewed only</source>
      <translation>미검토 건만</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="145" />
      <source>Oldest first</source>
      <translation>오래된 순</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="562" />
      <source>PDF files (*.pdf)</source>
      <translation>PDF 파일 (*.pdf)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="258" />
      <source>Reason (required; kept in the audit trail)</source>
      <translation>사유 (필수, 감사 기록에 보관됨)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="119" />
      <source>Reasons</source>
      <translation>사유</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="262" />
      <source>Record review</source>
      <translation>검토 결과 기록</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="265" />
      <source>Record review (Ctrl+Enter)</source>
      <translation>검토 결과 기록 (Ctrl+Enter)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="149" />
      <source>Refresh</source>
      <translation>새로 고침</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="119" />
      <location filename="station_app/gui/supervisor_workspace.py" line="237" />
      <source>Review</source>
      <translation>검토</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="417" />
      <source>Review not recorded: {0}</source>
      <translation>검토 결과가 기록되지 않았습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="424" />
      <source>Review of {0} recorded.</source>
      <translation>{0}의 검토 결과를 기록했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="372" />
      <location filename="station_app/gui/supervisor_workspace.py" line="594" />
      <source>Review queue</source>
      <translation>검토 대기열</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="455" />
      <source>Show</source>
      <translation>조회</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="118" />
      <source>Started</source>
      <translation>검색 시각</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="118" />
      <location filename="station_app/gui/supervisor_workspace.py" line="146" />
      <source>Station</source>
      <translation>검사대</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="511" />
      <location filename="station_app/gui/supervisor_workspace.py" line="595" />
      <source>Statistics</source>
      <translation>통계</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="387" />
      <source>The image could not be loaded: {0}</source>
      <translation>영상을 불러올 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="373" />
      <source>The review queue could not be read: {0}</source>
      <translation>검토 대기열을 읽을 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="571" />
      <source>The shift report could not be written: {0}</source>
      <translation>근무 교대 보고서를 저장하지 못했습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="512" />
      <source>The statistics could not be computed: {0}</source>
      <translation>통계를 계산할 수 없습니다: {0}</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="437" />
      <source>Today</source>
      <translation>오늘</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="118" />
      <source>Tracking id</source>
      <translation>운송장 번호</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="119" />
      <source>Verdict</source>
      <translation>판정</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="135" />
      <source>all inspectors (comma-separated)</source>
      <translation>모든 검사관 (쉼표로 구분)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="133" />
      <source>all stations (comma-separated)</source>
      <translation>모든 검사대 (쉼표로 구분)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="282" />
      <source>inspection</source>
      <translation>검사</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="282" />
      <source>review</source>
      <translation>검토</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="137" />
      <source>text in a reason, e.g. knife</source>
      <translation>사유에 포함된 문구 (예: knife)</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="153" />
      <source>to</source>
      <translation>~</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="216" />
      <source>undecided</source>
      <translation>미판정</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="128" />
      <source>until now</source>
      <translation>현재까지</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="286" />
      <source>{0} mark(s) on the image</source>
      <translation>영상 위 표시 {0}개</translation>
    </message>
    <message>
      <location filename="station_app/gui/supervisor_workspace.py" line="225" />
      <source>{0} parcel(s)</source>
      <translation>소포 {0}건</translation>
    </message>
  </context>
  <context>
    <name>TechnicianWorkspace</name>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="616" />
      <source>%1 dead, %2 noisy (dead: gain &lt; %3 × median; noisy: noise &gt; %4 × median)</source>
      <translation>데드 픽셀 %1개, 노이즈 픽셀 %2개 (데드: 이득 &lt; 중앙값 × %3, 노이즈: 잡음 &gt; 중앙값 × %4)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="545" />
      <source>%1 — %2/day</source>
      <translation>%1 — 하루 %2</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="319" />
      <source>1. Calibrate (dark, air, step wedge)</source>
      <translation>1. 교정 (다크, 에어, 스텝 웨지)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="322" />
      <source>2. Verify (air check, test piece)</source>
      <translation>2. 검증 (에어 점검, 시험편)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="325" />
      <source>Accept</source>
      <translation>승인</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="670" />
      <source>Achieved</source>
      <translation>측정값</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="272" />
      <source>Another scan is still running.</source>
      <translation>다른 스캔이 아직 진행 중입니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="575" />
      <source>Belt</source>
      <translation>컨베이어 벨트</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="382" />
      <source>Calibrating…</source>
      <translation>교정 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="210" />
      <source>Calibration</source>
      <translation>교정</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="414" />
      <source>Calibration %1 accepted and stored.</source>
      <translation>교정 %1을(를) 승인하고 저장했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="355" />
      <source>Calibration history</source>
      <translation>교정 이력</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="435" />
      <source>Calibration rejected; the current one stays in use.</source>
      <translation>교정을 반려했습니다. 현재 교정을 계속 사용합니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="566" />
      <source>Channel</source>
      <translation>채널</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="360" />
      <source>Dark noise</source>
      <translation>다크 잡음</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="539" />
      <location filename="station_app/gui/technician_workspace.py" line="601" />
      <source>Dark noise (counts)</source>
      <translation>다크 잡음 (카운트)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="599" />
      <source>Dark offset (counts)</source>
      <translation>다크 오프셋 (카운트)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="359" />
      <location filename="station_app/gui/technician_workspace.py" line="681" />
      <source>Date</source>
      <translation>일시</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="359" />
      <source>Dead</source>
      <translation>데드</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="538" />
      <source>Dead pixels</source>
      <translation>데드 픽셀</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="211" />
      <source>Diagnostics</source>
      <translation>진단</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="592" />
      <source>Diagnostics unavailable: %1</source>
      <translation>진단 정보를 사용할 수 없습니다: %1</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="673" />
      <source>Element</source>
      <translation>요소</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="477" />
      <location filename="station_app/gui/technician_workspace.py" line="699" />
      <location filename="station_app/gui/technician_workspace.py" line="708" />
      <location filename="station_app/gui/technician_workspace.py" line="735" />
      <source>FAIL</source>
      <translation>불합격</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="682" />
      <source>Failed tests</source>
      <translation>불합격 시험</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="289" />
      <source>Failed: %1</source>
      <translation>실패: %1</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="577" />
      <source>Faults</source>
      <translation>고장</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="494" />
      <source>Flat-field residual per pixel (A in air)</source>
      <translation>픽셀별 플랫필드 잔차 (에어 상태 A)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="360" />
      <source>Gain</source>
      <translation>이득</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="540" />
      <source>Gain (counts)</source>
      <translation>이득 (카운트)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="600" />
      <source>Gain: air − dark (counts)</source>
      <translation>이득: 에어 − 다크 (카운트)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="520" />
      <source>History unavailable: %1</source>
      <translation>이력을 사용할 수 없습니다: %1</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="212" />
      <source>Image quality</source>
      <translation>화질</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="678" />
      <source>Image-quality history</source>
      <translation>화질 시험 이력</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="703" />
      <source>Image-quality test stored.</source>
      <translation>화질 시험 결과를 저장했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="576" />
      <source>Interlocks</source>
      <translation>인터록</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="566" />
      <source>Kind</source>
      <translation>유형</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="578" />
      <source>Line rate (measured / nominal)</source>
      <translation>라인 속도 (측정 / 정격)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="577" />
      <source>Lines acquired / dropped</source>
      <translation>수집 / 누락 라인</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="359" />
      <source>Noisy</source>
      <translation>노이즈</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="673" />
      <source>OK</source>
      <translation>적합</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="644" />
      <source>OPEN</source>
      <translation>열림</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="359" />
      <location filename="station_app/gui/technician_workspace.py" line="681" />
      <source>Operator</source>
      <translation>작업자</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="700" />
      <source>Overall: %1</source>
      <translation>종합 판정: %1</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="477" />
      <location filename="station_app/gui/technician_workspace.py" line="699" />
      <location filename="station_app/gui/technician_workspace.py" line="708" />
      <location filename="station_app/gui/technician_workspace.py" line="735" />
      <source>PASS</source>
      <translation>합격</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="235" />
      <source>Pause screening</source>
      <translation>검색 일시 중지</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="566" />
      <source>Pixel</source>
      <translation>픽셀</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="484" />
      <source>Proposal: ACCEPT — every check passed.</source>
      <translation>제안: 승인 — 모든 점검 항목 합격.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="486" />
      <source>Proposal: REJECT — %1</source>
      <translation>제안: 반려 — %1</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="681" />
      <source>Purpose</source>
      <translation>목적</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="566" />
      <source>Reason</source>
      <translation>사유</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="426" />
      <source>Reason (kept in the audit trail):</source>
      <translation>사유 (감사 기록에 보관됨):</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="328" />
      <source>Reject</source>
      <translation>반려</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="426" />
      <source>Reject calibration</source>
      <translation>교정 거부</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="556" />
      <source>Reload from the stored calibration</source>
      <translation>저장된 교정에서 다시 불러오기</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="671" />
      <source>Required</source>
      <translation>기준값</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="343" />
      <location filename="station_app/gui/technician_workspace.py" line="670" />
      <location filename="station_app/gui/technician_workspace.py" line="681" />
      <source>Result</source>
      <translation>결과</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="235" />
      <source>Resume screening</source>
      <translation>검색 재개</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="662" />
      <source>Run image-quality test</source>
      <translation>화질 시험 실행</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="571" />
      <source>Scanner (live)</source>
      <translation>스캐너 (실시간)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="693" />
      <source>Scanning the test piece…</source>
      <translation>시험편 스캔 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="230" />
      <source>Screening parcels: the scanner is in use.</source>
      <translation>소포 검색 중: 스캐너 사용 중입니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="244" />
      <source>Screening paused.</source>
      <translation>검색을 일시 중지했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="232" />
      <source>Screening paused: the scanner is free for calibration and tests.</source>
      <translation>검색 일시 중지: 스캐너를 교정과 시험에 사용할 수 있습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="247" />
      <source>Screening resumed.</source>
      <translation>검색을 재개했습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="578" />
      <source>Serial link</source>
      <translation>직렬 통신</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="462" />
      <source>Start a calibration to see its checks.</source>
      <translation>교정을 시작하면 점검 결과가 표시됩니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="343" />
      <source>Status</source>
      <translation>상태</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="343" />
      <source>Step</source>
      <translation>단계</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="401" />
      <source>Step %1 failed: %2</source>
      <translation>%1 단계 실패: %2</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="404" />
      <source>Step finished.</source>
      <translation>단계를 마쳤습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="495" />
      <source>Step wedge: leave-one-out Zeff error (%)</source>
      <translation>스텝 웨지: 교차 검증(LOO) 유효 원자번호 오차 (%)</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="576" />
      <source>Temperatures</source>
      <translation>온도</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="670" />
      <source>Test</source>
      <translation>시험</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="482" />
      <source>This attempt is finished.</source>
      <translation>이번 교정 시도는 종료되었습니다.</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="575" />
      <source>Tube</source>
      <translation>튜브</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="674" />
      <source>Value</source>
      <translation>값</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="393" />
      <source>Verifying…</source>
      <translation>검증 중…</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="360" />
      <source>Wedge worst</source>
      <translation>웨지 최대 오차</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="575" />
      <source>X-rays</source>
      <translation>엑스레이</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="442" />
      <source>air</source>
      <translation>에어</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="644" />
      <source>closed</source>
      <translation>닫힘</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="441" />
      <source>dark</source>
      <translation>다크</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="452" />
      <source>done</source>
      <translation>완료</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="467" />
      <source>fail</source>
      <translation>불합격</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="453" />
      <source>failed</source>
      <translation>실패</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="606" />
      <source>high energy</source>
      <translation>고에너지</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="606" />
      <source>low energy</source>
      <translation>저에너지</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="723" />
      <source>no</source>
      <translation>아니요</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="654" />
      <source>no serial link</source>
      <translation>직렬 통신 없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="648" />
      <source>none</source>
      <translation>없음</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="635" />
      <source>off</source>
      <translation>꺼짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="635" />
      <source>on</source>
      <translation>켜짐</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="467" />
      <source>pass</source>
      <translation>합격</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="450" />
      <source>pending</source>
      <translation>대기</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="502" />
      <location filename="station_app/gui/technician_workspace.py" line="612" />
      <source>pixel</source>
      <translation>픽셀</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="728" />
      <source>routine</source>
      <translation>정기</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="451" />
      <source>running</source>
      <translation>진행 중</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="640" />
      <source>tube %1 °C, detector %2 °C</source>
      <translation>튜브 %1 °C, 검출기 %2 °C</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="444" />
      <location filename="station_app/gui/technician_workspace.py" line="728" />
      <source>verification</source>
      <translation>검증</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="443" />
      <source>wedge</source>
      <translation>웨지</translation>
    </message>
    <message>
      <location filename="station_app/gui/technician_workspace.py" line="723" />
      <source>yes</source>
      <translation>예</translation>
    </message>
  </context>
</TS>
